import ArgumentParser
import Foundation
import FuseAPI

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Decode rates of the documented example bodies: our decoders beside the
/// alternatives considered: JSONSerialization (parse only), JSONDecoder with
/// loose types, and Foundation's libxml2-backed XMLParser (parse only).
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Decode rate of status bodies, per parser.")

    @Option(help: "The JSON status body.") var json: String
    @Option(help: "The XML status body.") var xml: String
    @Option(help: "Decodes per measurement.") var iterations = 100_000

    func run() throws {
        let jsonBody = Array(try Data(contentsOf: URL(fileURLWithPath: json)))
        let xmlBody = Array(try Data(contentsOf: URL(fileURLWithPath: xml)))
        measure("json StatusDecoder (own JSONReader)") { _ = try StatusDecoder.decode(jsonBody, format: .json) }
        let jsonData = Data(jsonBody)
        measure("json JSONSerialization (parse only)") { _ = try JSONSerialization.jsonObject(with: jsonData) }
        measure("json JSONDecoder (Codable, loose ints)") { _ = try JSONDecoder().decode(Envelope.self, from: jsonData) }
        measure("xml  StatusDecoder (own reader)") { _ = try StatusDecoder.decode(xmlBody, format: .xml) }
        let xmlData = Data(xmlBody)
        measure("xml  XMLParser (parse only)") {
            let parser = XMLParser(data: xmlData)
            guard parser.parse() else { throw CocoaError(.fileReadCorruptFile) }
        }
    }

    func measure(_ name: String, _ body: () throws -> Void) {
        let start = ContinuousClock.now
        var failures = 0
        for _ in 0..<iterations where (try? body()) == nil { failures += 1 }
        let seconds = (ContinuousClock.now - start).seconds
        print(String(format: "%-42@ %9.0f decodes/s%@", name as NSString, Double(iterations) / seconds, failures > 0 ? " (\(failures) failed)" : ""))
    }
}

// The API's own field names: Foundation's decoder is measured as it would
// be used, without a key strategy.
// swift-format-ignore: AlwaysUseLowerCamelCase
private struct Envelope: Decodable {
    let call_details: Details
}

// swift-format-ignore: AlwaysUseLowerCamelCase
private struct Details: Decodable {
    let status: String
    let attempts: LooseInt?
    let max_attempts: LooseInt?
    let queued_timestamp: LooseInt?
    let start_timestamp: LooseInt?
    let end_timestamp: LooseInt?
    let reattempt_wait: LooseInt?
    let duration: LooseInt?
    let phone_number: String?
    let events: [Event]?
}

private struct Event: Decodable {
    let event: String
    let timestamp: LooseInt?
}

private struct LooseInt: Decodable {
    let value: Int64?
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = nil
        } else if let i = try? c.decode(Int64.self) {
            value = i
        } else {
            let s = try c.decode(String.self)
            value = s.isEmpty ? nil : Int64(s)
        }
    }
}
