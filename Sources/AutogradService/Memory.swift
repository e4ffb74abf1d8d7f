#if canImport(Glibc)
import Glibc
#endif

/// The C allocator's hold on freed memory.
enum Memory {
    /// glibc keeps the memory of freed small objects for reuse; after a program that built a
    /// huge graph that can be gigabytes the process would hold until it exits. `malloc_trim(0)`
    /// gives the free pages back (looked up at run time: Swift's Glibc module does not declare
    /// it; elsewhere this does nothing).
    static func returnFreedToSystem() {
        _ = trim?(0)
    }

    private typealias Trim = @convention(c) (Int) -> Int32

    /// glibc's `int malloc_trim(size_t pad)`, found once (nil without it).
    private static let trim: Trim? = {
        #if canImport(Glibc)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {   // RTLD_DEFAULT
            return unsafeBitCast(symbol, to: Trim.self)
        }
        #endif
        return nil
    }()
}
