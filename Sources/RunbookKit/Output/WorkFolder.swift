import Foundation

/// A site's previous generation, taken as the work folder of its next one.
///
/// After a swap the old site is not deleted: it waits in `Output/.runbook-spare/<id>`, and the
/// next build of that site starts from it. Its folders are kept, every file that only needs new
/// bytes is overwritten where it is, and a file that is the same as the live site's (or a
/// shared file) is kept when it is that very file already. So a rebuild after a template change
/// makes and removes no folder, file or link on the disk: it only writes the pages. Writing
/// into a fresh folder and deleting the old one cost six times as long on ext4.
///
/// What the spare held does not matter: every file the new site needs is either overwritten
/// whole, or checked by inode to be the file it must be a link to. A file that another folder
/// also links to (the live site, the shared files) is never written into; it is replaced by a
/// new one. What the new site does not hold is removed first.
struct WorkFolder {
  let path: String
  /// The inode of each file the folder holds at a path the new site needs.
  private var files: [String: UInt64] = [:]
  /// The new site's folders, relative to the site (`""` is the site itself).
  let folders: Set<String>
  /// Those of them the spare holds already.
  private(set) var present: Set<String> = [""]

  /// Walks the spare now at `path`, keeping what the new site, made of `needed` files, needs and
  /// removing the rest. Nil when the spare cannot be trusted to be walked whole: it is not a
  /// folder of its own (a symbolic link to a folder elsewhere would have its files overwritten
  /// and removed), or a folder in it cannot be read, or something in it cannot be removed. The
  /// caller then removes it and builds into a new folder.
  init?(path: String, needed: some Sequence<String>) {
    self.path = path
    var wanted = Set<String>()
    var folders: Set<String> = [""]
    for file in needed {
      wanted.insert(file)
      var parent = file[...]
      while let slash = parent.lastIndex(of: "/") {
        parent = parent[..<slash]
        if !folders.insert(String(parent)).inserted { break }
      }
    }
    self.folders = folders
    var info = stat()
    guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, walk("", wanted: wanted)
    else { return nil }
  }

  /// False when the folder at `relative` could not be read, or held something that could not be
  /// removed: the folder might then hold files the walk does not know of.
  private mutating func walk(_ relative: String, wanted: Set<String>) -> Bool {
    // O_NOFOLLOW: a folder is walked only if it is one, never through a link put in its place.
    let descriptor = open(
      relative.isEmpty ? path : path + "/" + relative,
      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0, let directory = fdopendir(descriptor) else {
      if descriptor >= 0 { close(descriptor) }
      return false
    }
    var entries: [(name: String, inode: UInt64, type: UInt8)] = []
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name == "." || name == ".." { continue }
      entries.append((name, UInt64(entry.pointee.d_ino), entry.pointee.d_type))
    }
    closedir(directory)
    for entry in entries {
      let child = relative.isEmpty ? entry.name : relative + "/" + entry.name
      let full = path + "/" + child
      var type = entry.type
      if type == UInt8(DT_UNKNOWN) {
        var info = stat()
        guard lstat(full, &info) == 0 else { return false }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: type = UInt8(DT_DIR)
        case S_IFREG: type = UInt8(DT_REG)
        default: type = UInt8(DT_LNK)  // removed below, whatever it is
        }
      }
      if type == UInt8(DT_DIR) {
        if folders.contains(child) {
          present.insert(child)
          guard walk(child, wanted: wanted) else { return false }
        } else {
          // A folder is removed through its own entries: FileManager does not follow links.
          guard (try? FileManager.default.removeItem(atPath: full)) != nil else { return false }
        }
      } else if type == UInt8(DT_REG) && wanted.contains(child) {
        files[child] = entry.inode
      } else {
        // Anything else (a link, a FIFO, a file the site no longer has) goes.
        guard unlink(full) == 0 || errno == ENOENT else { return false }
      }
    }
    return true
  }

  /// Whether the file at `relative` is the file at `other` (the same inode).
  func holds(_ relative: String, sameAs other: String) -> Bool {
    guard let inode = files[relative] else { return false }
    var info = stat()
    return stat(other, &info) == 0 && UInt64(info.st_ino) == inode
  }

  /// Takes the file at `relative` away, so that a link can take its place.
  mutating func remove(_ relative: String) {
    if files.removeValue(forKey: relative) != nil { unlink(path + "/" + relative) }
  }

  /// Makes the file at `relative` hold `data`: overwritten in place when the folder holds it and
  /// nothing else links to it, else written new.
  mutating func write(_ relative: String, _ data: Data) throws {
    let full = path + "/" + relative
    if files.removeValue(forKey: relative) != nil {
      let descriptor = open(full, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
      if descriptor >= 0 {
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1 {
          defer { close(descriptor) }
          // Written over, then cut to length: no truncation to zero first, which on ext4 would
          // free the file's blocks and make the kernel flush it at close.
          try OutputWriter.writeAll(descriptor, data, path: full)
          if Int(info.st_size) > data.count, ftruncate(descriptor, off_t(data.count)) != 0 {
            throw OutputError(errno: errno, path: full)
          }
          return
        }
        close(descriptor)
      }
      unlink(full)
    }
    try OutputWriter.writeFile(full, data)
  }

  /// Sets every folder's time to now. A reused folder is an inode the output's summary may have
  /// noted before, and overwriting files leaves a folder's time as it was: without this, a line
  /// about the site's generation before last could match the site as it is now.
  func touchFolders() throws {
    for folder in folders {
      let full = folder.isEmpty ? path : path + "/" + folder
      guard utimensat(AT_FDCWD, full, nil, AT_SYMLINK_NOFOLLOW) == 0 else {
        throw OutputError(errno: errno, path: full)
      }
    }
  }
}
