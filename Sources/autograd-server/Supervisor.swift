import Foundation
import Glibc
import Logging

/// nginx's master process, in small: binds the listening sockets, runs the server in a worker
/// process that inherits them, and starts a new worker when one dies, so that a request that
/// crashes the server costs the requests then in flight, not the service. Connections that
/// arrive meanwhile wait in the sockets' backlog, which the supervisor keeps open.
///
/// SIGTERM and SIGINT are passed on to the worker, which drains; the supervisor first closes its
/// own copies of the sockets (so that they close when the worker's do) and exits as the worker
/// did.
final class Supervisor {
    private let workerArguments: [String]
    private let listeners: [Int32]
    private let logger: Logger
    private let lock = NSLock()
    private var worker: pid_t = 0
    private var stopping = false
    private var signalSources: [DispatchSourceSignal] = []

    /// `workerArguments`: the worker's command line after the executable, which must make it
    /// serve `listeners` (`--listen-fds`).
    init(workerArguments: [String], listeners: [Int32], logger: Logger) {
        self.workerArguments = workerArguments
        self.listeners = listeners
        self.logger = logger
    }

    /// Runs workers until one exits after SIGTERM/SIGINT (or on its own, cleanly); answers the
    /// exit status to exit with.
    func run() -> Int32 {
        for fd in listeners {   // inherited across exec
            _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) & ~FD_CLOEXEC)
        }
        forwardTerminationSignals()
        var restarts: [UInt64] = []
        while true {
            // no worker: stopped while waiting to start one (exit 0), or spawning failed
            guard let pid = spawnWorker() else { return lock.withLock { stopping } ? 0 : 1 }
            let status = waitForExit(of: pid)
            let signalNumber = status & 0x7f, exitCode = (status >> 8) & 0xff
            let isStopping = lock.withLock { worker = 0; return stopping }
            if isStopping || (signalNumber == 0 && exitCode == 0) {
                return signalNumber == 0 ? exitCode : 128 + signalNumber
            }
            logger.critical("worker died; starting another", metadata: [
                "pid": .stringConvertible(pid),
                signalNumber == 0 ? "exit_status" : "signal": .stringConvertible(signalNumber == 0 ? exitCode : signalNumber),
            ])
            // a worker that keeps dying at once is restarted at most five times in ten seconds
            let now = DispatchTime.now().uptimeNanoseconds
            restarts = restarts.filter { now - $0 < 10_000_000_000 } + [now]
            if restarts.count > 5 { usleep(1_000_000) }
        }
    }

    private func spawnWorker() -> pid_t? {
        let argv = (["/proc/self/exe"] + workerArguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // the worker starts with SIGTERM/SIGINT at their defaults (this process ignores them), so
        // that one forwarded before it handles them still stops it
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = lock.withLock { () -> Int32 in
            guard !stopping else { return ECANCELED }
            let result = posix_spawn(&pid, "/proc/self/exe", nil, &attributes, argv, environ)
            if result == 0 { worker = pid }
            return result
        }
        guard result == 0 else {
            if result != ECANCELED { logger.critical("cannot start a worker", metadata: ["errno": .stringConvertible(result)]) }
            return nil
        }
        logger.info("worker started", metadata: ["pid": .stringConvertible(pid)])
        return pid
    }

    /// In a worker: stops it (SIGTERM, so it drains) if its supervisor dies.
    static func exitWithParent(logger: Logger) -> DispatchSourceTimer {
        let parent = getppid()
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "worker.parent"))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler {
            if getppid() != parent {
                logger.critical("supervisor gone; draining")
                kill(getpid(), SIGTERM)
            }
        }
        timer.resume()
        return timer
    }

    private func waitForExit(of pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    private func forwardTerminationSignals() {
        let queue = DispatchQueue(label: "supervisor.signals")
        signalSources = [SIGTERM, SIGINT].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in
                let pid = lock.withLock { () -> pid_t in
                    if !stopping {
                        stopping = true
                        listeners.forEach { _ = close($0) }
                    }
                    return worker
                }
                if pid > 0 { kill(pid, signalNumber) }
            }
            source.resume()
            return source
        }
    }
}
