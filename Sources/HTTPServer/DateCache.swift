import Glibc
import Synchronization

/// The `Date` header line (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once a second.
///
/// Every response needs it and formatting a date costs more than the rest of the head, so
/// the line is cached and rebuilt lazily by whichever thread first notices a new second.
enum DateCache {
    private static let cache = Mutex<(second: Int, line: [UInt8])>((-1, []))

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` for the current second.
    static func headerLine() -> [UInt8] {
        let now = time(nil)
        return cache.withLock { cached in
            if cached.second != now {
                cached = (now, format(now))
            }
            return cached.line
        }
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ seconds: time_t) -> [UInt8] {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "Date: \(days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
