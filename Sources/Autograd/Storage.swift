/// torch's tensor version counter: bumped by every in-place write, compared by saved tensors.
///
/// Every storage is its own default counter, so a fresh tensor costs no extra allocation; a
/// `.data` alias gets a counter of its own, as torch's does.
class VersionCounter {
    final var version = 0
}

/// The memory behind one or more tensors: a 64-byte aligned buffer charged to its context.
///
/// Views (`view`, `t`, `detach`, `select`, …) share their base's storage and version counter.
final class Storage: VersionCounter {
    let bytes: UnsafeMutableRawPointer
    let byteCount: Int
    /// The context charged for these bytes; released when the storage dies.
    private let context: Context

    /// Allocates `byteCount` uninitialised bytes, charging them to `context`'s byte limit.
    init(byteCount: Int, context: Context) throws(TensorError) {
        try context.reserve(bytes: byteCount)
        self.byteCount = byteCount
        self.context = context
        self.bytes = .allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    deinit {
        bytes.deallocate()
        context.release(bytes: byteCount)
    }
}
