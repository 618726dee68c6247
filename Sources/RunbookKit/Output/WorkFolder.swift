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
  /// removing the rest.
  init(path: String, needed: some Sequence<String>) {
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
    walk("", wanted: wanted)
  }

  private mutating func walk(_ relative: String, wanted: Set<String>) {
    guard let directory = opendir(relative.isEmpty ? path : path + "/" + relative) else { return }
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
        guard lstat(full, &info) == 0 else { continue }
        type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
        if (info.st_mode & S_IFMT) == S_IFLNK { type = UInt8(DT_LNK) }
      }
      if type == UInt8(DT_DIR) {
        if folders.contains(child) {
          present.insert(child)
          walk(child, wanted: wanted)
        } else {
          try? FileManager.default.removeItem(atPath: full)
        }
      } else if type == UInt8(DT_REG) && wanted.contains(child) {
        files[child] = entry.inode
      } else {
        unlink(full)
      }
    }
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
  func touchFolders() {
    for folder in folders {
      _ = utimensat(AT_FDCWD, folder.isEmpty ? path : path + "/" + folder, nil, 0)
    }
  }
}
