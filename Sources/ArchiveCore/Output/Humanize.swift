import Foundation
import FuseAPI

/// Numbers, durations and times as people read them.
public enum Humanize {
    /// 45s, 1m 23s, 2h 05m, 3d 4h.
    package static func duration(_ seconds: Double) -> String {
        // A stored value no real call has (another tool wrote it): shown as it is.
        guard seconds.isFinite, abs(seconds) < 1e12 else { return number(seconds) + "s" }
        if seconds < 0 { return "-" + duration(-seconds) }
        let s = Int((seconds).rounded())
        if s < 60 { return seconds < 10 && seconds != seconds.rounded() ? String(format: "%.1fs", seconds) : "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(String(format: "%02d", s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h \(String(format: "%02d", s / 60 % 60))m" }
        return "\(s / 86_400)d \(s / 3600 % 24)h"
    }

    package static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }

    /// Up to `digits` decimals, no trailing zeros.
    package static func number(_ v: Double, digits: Int = 6) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        guard v.isFinite, abs(v) < 1e15 else { return String(v) }
        var s = String(format: "%.\(digits)f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// `2026-11-28 14:03` in the local zone (or UTC).
    package static func time(_ unix: Int64, utc: Bool) -> String {
        guard FieldBounds.timestamp.contains(unix) else { return "@\(unix)" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? utcZone : TimeZone.current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(unix)))
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// `2026-11-28`, the day of `unix` in the local zone (or UTC).
    public static func day(_ unix: Int64, utc: Bool) -> String {
        String(time(unix, utc: utc).prefix(10))
    }

    /// ISO-8601 UTC, for machine-readable output.
    package static func isoTime(_ unix: Int64) -> String {
        guard FieldBounds.timestamp.contains(unix) else { return "@\(unix)" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utcZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(unix)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    private static let utcZone = TimeZone(identifier: "UTC")!

    /// `-04:00`: the offset from UTC in force in `zone` at `unix`.
    package static func offset(_ zone: TimeZone, at unix: Int64) -> String {
        let seconds = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unix)))
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", abs(seconds) / 3600, abs(seconds) / 60 % 60)
    }

    /// ISO-8601 with the offset in force in `zone` (`Z` for nil, UTC):
    /// `2026-11-01T01:00:00-04:00`.
    package static func isoTime(_ unix: Int64, zone: TimeZone?) -> String {
        guard let zone, FieldBounds.timestamp.contains(unix) else { return isoTime(unix) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(unix)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!) + offset(zone, at: unix)
    }

    /// A bar of `width` cells for a fraction 0…1, in eighths.
    package static func bar(_ fraction: Double, width: Int) -> String {
        guard fraction.isFinite else { return "" }
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + blocks[eighths % 8]
    }
}
