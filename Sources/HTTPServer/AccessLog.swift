import Logging

/// The structured access log: one `.info` entry per answered request, fields as metadata.
enum AccessLog {
    /// Logs `record`; callers check the level first, so a quieter logger costs nothing here.
    static func log(_ record: HTTPExchangeRecord, to logger: Logger) {
        let (seconds, attoseconds) = record.duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        logger.info("request", metadata: [
            "method": .string(record.method),
            "path": .string(record.path),
            "status": .stringConvertible(record.status),
            "bytes_in": .stringConvertible(record.bytesIn),
            "bytes_out": .stringConvertible(record.bytesOut),
            "duration_us": .stringConvertible(microseconds),
        ])
    }
}
