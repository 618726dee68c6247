import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The signature of libFuzzer's `LLVMFuzzerTestOneInput`.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

/// What a fuzz target's `main` does: hand over to libFuzzer when the binary was built with
/// `-sanitize=fuzzer` (scripts/fuzz), or else, in a plain `swift build`, run the target once on
/// each file named on the command line, so that a crashing input can be replayed in a debugger.
///
/// SwiftPM links an executable's `main` to `<Target>_main`, so each target defines that symbol
/// and calls this; libFuzzer's driver is looked up at run time, since a plain build lacks it.
public func runFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
  target: FuzzTarget
) -> CInt {
  typealias Driver =
    @convention(c) (
      UnsafeMutablePointer<CInt>,
      UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
      FuzzTarget
    ) -> CInt
  if let symbol = dlsym(dlopen(nil, RTLD_NOW), "LLVMFuzzerRunDriver") {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return unsafeBitCast(symbol, to: Driver.self)(&count, &arguments, target)
  }
  let paths = (0..<Int(argc)).dropFirst().compactMap { argv[$0].map { String(cString: $0) } }
    .filter { !$0.hasPrefix("-") }
  guard !paths.isEmpty else {
    FileHandle.standardError.write(
      Data(
        "not built with -sanitize=fuzzer: give input files to run once (scripts/fuzz fuzzes)\n".utf8
      ))
    return 64
  }
  for path in paths {
    guard let data = FileManager.default.contents(atPath: path) else {
      FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
      return 66
    }
    // At least one byte of storage, so that an empty input has a pointer too, as under libFuzzer.
    let bytes = [UInt8](data)
    var storage = bytes + [0]
    _ = storage.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.map { target($0, bytes.count) }
    }
    print("ran \(path) (\(bytes.count) bytes)")
  }
  return 0
}
