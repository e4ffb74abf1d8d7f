import CEpoll
import Glibc

/// Listening sockets and address formatting over the POSIX socket API.
enum Socket {
    /// Binds and listens on every address `host` resolves to, all on one port (the first
    /// bind's when `port` is 0). Returns the non-blocking listening descriptors and the port.
    static func listen(host: String, port: Int, backlog: Int) throws(HTTPError) -> (descriptors: [Int32], port: Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else { throw .system(operation: "getaddrinfo(\(host))", errno: status) }
        defer { freeaddrinfo(list) }

        var addresses: [UnsafeMutablePointer<addrinfo>] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let info = cursor {
            addresses.append(info)
            cursor = info.pointee.ai_next
        }
        let hasIPv4 = addresses.contains { $0.pointee.ai_family == AF_INET }
        var descriptors: [Int32] = []
        var boundPort = port
        do {
            for info in addresses {
                let fd = try bind(info.pointee, port: boundPort, dualStack: !hasIPv4, backlog: backlog)
                descriptors.append(fd)
                if boundPort == 0 { boundPort = localPort(of: fd) }
            }
        } catch {
            descriptors.forEach { _ = close($0) }
            throw error
        }
        return (descriptors, boundPort)
    }

    private static func bind(_ info: addrinfo, port: Int, dualStack: Bool, backlog: Int) throws(HTTPError) -> Int32 {
        let fd = cepoll_tcp_socket(info.ai_family)
        guard fd >= 0 else { throw .system(operation: "socket", errno: errno) }
        // SO_REUSEADDR: restart at once even while old connections sit in TIME_WAIT.
        _ = cepoll_set_reuse_address(fd)
        if info.ai_family == AF_INET6 {
            // "::" alone also serves IPv4 (mapped addresses); beside an IPv4 socket it must not.
            _ = cepoll_set_v6_only(fd, dualStack ? 0 : 1)
        }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: info.ai_addr, count: Int(info.ai_addrlen)))
        }
        setPort(&storage, port)
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, info.ai_addrlen) }
        }
        guard result == 0 else {
            let code = errno
            _ = close(fd)
            throw .system(operation: "bind(port \(port))", errno: code)
        }
        guard Glibc.listen(fd, Int32(backlog)) == 0 else {
            let code = errno
            _ = close(fd)
            throw .system(operation: "listen", errno: code)
        }
        return fd
    }

    private static func setPort(_ storage: inout sockaddr_storage, _ port: Int) {
        let networkPort = in_port_t(UInt16(port).bigEndian)
        withUnsafeMutablePointer(to: &storage) { pointer in
            if pointer.pointee.ss_family == sa_family_t(AF_INET) {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = networkPort }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = networkPort }
            }
        }
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The local port a socket is bound to.
    static func localPort(of fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return describe(storage).port
    }

    /// `address:port`, with IPv6 addresses in brackets.
    static func describe(_ storage: sockaddr_storage) -> (text: String, port: Int) {
        var storage = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return withUnsafePointer(to: &storage) { pointer in
            if pointer.pointee.ss_family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &buffer, socklen_t(buffer.count))
                    let port = Int(UInt16(bigEndian: address.pointee.sin6_port))
                    return ("[\(text(buffer))]:\(port)", port)
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var ip = address.pointee.sin_addr
                inet_ntop(AF_INET, &ip, &buffer, socklen_t(buffer.count))
                let port = Int(UInt16(bigEndian: address.pointee.sin_port))
                return ("\(text(buffer)):\(port)", port)
            }
        }
    }
}

/// Monotonic nanoseconds (CLOCK_MONOTONIC via the vDSO: no system call).
enum Monotonic {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// Starts a named POSIX thread running `body` (the event loop owns one for its whole life).
func startThread(name: String, _ body: @escaping @Sendable () -> Void) throws(HTTPError) {
    final class Box: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
    let box = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { argument in
        let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
        _ = cepoll_set_thread_name(String(box.name.prefix(15)))
        box.body()
        return nil
    }, box)
    guard result == 0 else {
        Unmanaged<Box>.fromOpaque(box).release()
        throw .system(operation: "pthread_create", errno: result)
    }
    pthread_detach(thread)
}
