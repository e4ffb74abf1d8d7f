/// torch's version counter of a `.data` alias: bumped by every in-place write through it.
/// Other tensors use their storage's counter (`Storage.version`), so a fresh tensor costs no
/// extra allocation.
final class VersionCounter {
    var version = 0
}

/// What a storage carries besides its elements.
struct StorageHeader {
    let byteCount: Int
    /// torch's version counter of the tensors that share this storage (views included).
    var version = 0
}

/// The memory behind one or more tensors: one allocation holding the header and the elements
/// (8-byte aligned), charged to the byte limit of the context of the tensors over it. The last
/// tensor over a storage gives the bytes back as it dies (`Tensor.deinit`): a tensor holds its
/// context, so a storage need not, which spares a reference count per storage.
///
/// Views (`view`, `t`, `detach`, `select`, …) share their base's storage and version counter.
final class Storage: ManagedBuffer<StorageHeader, UInt64> {
    /// Allocates `byteCount` uninitialised bytes, charging them to `context`'s byte limit: the
    /// caller puts the storage under a tensor of that context at once (`Tensor.uninitialized`),
    /// whose death gives them back.
    static func allocate(byteCount: Int, context: Context) throws(TensorError) -> Storage {
        try context.reserve(bytes: byteCount)
        let words = (byteCount + 7) / 8
        let buffer = Storage.create(minimumCapacity: max(words, 1)) { _ in
            StorageHeader(byteCount: byteCount)
        }
        return unsafeDowncast(buffer, to: Storage.self)
    }

    var byteCount: Int { header.byteCount }

    /// The first byte. Stable for the storage's lifetime.
    var bytes: UnsafeMutableRawPointer {
        withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) }
    }

    var version: Int {
        get { header.version }
        set { header.version = newValue }
    }
}
