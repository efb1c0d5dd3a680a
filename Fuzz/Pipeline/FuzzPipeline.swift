// The whole pipeline under libFuzzer (docs/reliability.md, "Fuzzing"):
// bytes → decode (JSON, XML, an import record) → store in an in-memory
// archive → every report rendered in every format, every export, `report
// call`, rebuild. Built only by scripts/fuzz.sh (CALLHIST_FUZZ=1): it
// cannot link without the sanitizer. A crash, a trap or a sanitizer report
// is a bug.
import CallHistory
import Foundation
import FuseAPI
import SQLite

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FuzzPipeline_main")
func fuzzPipelineMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv) { data, count in
        Pipeline.run(Array(UnsafeBufferPointer(start: data, count: count)))
        return 0
    }
}
