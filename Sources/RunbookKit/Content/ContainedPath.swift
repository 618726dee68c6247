import Foundation

/// Whether a relative path from a folder stays inside a root when symbolic links are followed:
/// a docs folder holding `up -> /` must not publish `/etc/passwd` as an image or include it.
enum ContainedPath {
  /// The symbolic link (as a path relative to `base`) through which `relative` leads out of
  /// `root`, "" when its `..` alone lead out, or nil when the file it names, followed through
  /// every link, is inside `root` (or does not exist).
  static func escapingLink(_ relative: String, from base: URL, root: URL) -> String? {
    let target = base.appendingPathComponent(relative).standardizedFileURL
    let lexicalRoot = root.standardizedFileURL.path
    if !target.path.hasPrefix(lexicalRoot == "/" ? "/" : lexicalRoot + "/") { return "" }
    guard let real = realPath(target.path), let realRoot = realPath(root.path) else {
      return nil
    }
    if real == realRoot || real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") { return nil }
    // Name the first link on the way that leads out.
    var walked = base.standardizedFileURL
    var shown: [String] = []
    for component in relative.split(separator: "/") where component != "." {
      walked =
        component == ".."
        ? walked.deletingLastPathComponent()
        : walked.appendingPathComponent(
          String(component))
      shown.append(String(component))
      var info = stat()
      if lstat(walked.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
        return shown.joined(separator: "/")
      }
    }
    return relative
  }

  private static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
