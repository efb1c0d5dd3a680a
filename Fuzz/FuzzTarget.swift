// libFuzzer entry points for the decoders and the ids-file reader, built by
// scripts/fuzz.sh (one binary per target, chosen with -D). A crash, a hang or
// a sanitizer report is a bug: every input that found one becomes a
// regression test under Tests/.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    #if FUZZ_JSON
        _ = try? StatusDecoder.decode(bytes, format: .json)
        _ = try? StatusDecoder.decodeRecord(bytes)
        _ = StatusDecoder.errorMessage(bytes)
    #elseif FUZZ_XML
        _ = try? StatusDecoder.decode(bytes, format: .xml)
        _ = StatusDecoder.errorMessage(bytes)
    #elseif FUZZ_IDS
        var seen = 0
        try? IDFileReader.parse(bytes, name: "fuzz") { id, line, labels in
            // What the reader hands on must always pass the id and label rules.
            precondition(CallID.problem(with: id) == nil && line > seen)
            precondition(labels.allSatisfy { !$0.name.isEmpty && !$0.value.isEmpty && $0.value.utf8.count <= Label.maxValueBytes })
            seen = line
        }
    #endif
    return 0
}
