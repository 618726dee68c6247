/// The form a deployment value must have. Each kind checks what Active Directory, DNS or
/// a browser would reject, so a typo fails the build instead of the install.
public enum ValueKind: String, Sendable, CaseIterable {
  case netbios, hostname, fqdn, url, account, email, port, text, secret

  /// The stores a secret reference may name when the runbook definition adds none
  /// (`secret_schemes:`): `vault://…`, `op://…`, `KeePass: …`.
  public static let defaultSecretSchemes = [
    "vault", "keepass", "op", "bw", "azurekv", "awssm", "cyberark", "pass",
  ]

  /// Why `value` is not of this kind, or nil when it is.
  ///
  /// - Parameter schemes: the password stores a secret reference may name.
  public func problem(with value: String, schemes: [String] = defaultSecretSchemes) -> String? {
    if value.isEmpty { return "is empty" }
    if value.contains(where: { $0.isNewline }) { return "spans more than one line" }
    if self == .netbios || self == .hostname || self == .fqdn, value.contains("://") {
      return "is a URL; give the name alone, without the scheme or a path"
    }
    switch self {
    case .text:
      return nil
    case .netbios:
      if value.count > 15 {
        return "is \(value.count) characters long; a NetBIOS name has at most 15"
      }
      if let bad = value.first(where: { "\\/:*?\"<>|. ".contains($0) }) {
        return "holds '\(bad)', which a NetBIOS name cannot hold"
      }
      return nil
    case .hostname:
      // A single DNS label, as Windows computer names are; a dotted name is an fqdn.
      if value.contains(".") {
        return "holds '.'; give the short host name (the fqdn kind takes dotted names)"
      }
      return Self.labelProblem(value).map { "is not a host name: \($0)" }
    case .fqdn:
      let labels = value.split(separator: ".", omittingEmptySubsequences: false)
      if labels.count < 2 { return "is not a fully qualified domain name: it has no '.'" }
      for label in labels {
        if let problem = Self.labelProblem(String(label)) {
          return "is not a fully qualified domain name: \(problem)"
        }
      }
      return nil
    case .url:
      guard let schemeEnd = value.range(of: "://") else {
        return "is not a URL: it has no scheme (write http:// or https:// in front)"
      }
      let scheme = value[..<schemeEnd.lowerBound].lowercased()
      guard scheme == "http" || scheme == "https" else {
        return "is not a URL: the scheme '\(scheme)' is not http or https"
      }
      let rest = value[schemeEnd.upperBound...]
      let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
      if host.isEmpty { return "is not a URL: it has no host" }
      if value.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" }) {
        return "is not a URL: it holds a space, a quote or an angle bracket"
      }
      return nil
    case .account:
      // sAMAccountName: at most 20 characters (a gMSA's trailing '$' aside), none of "/\[]:;|=,+*?<>@
      let name = value.hasSuffix("$") ? String(value.dropLast()) : value
      if name.isEmpty { return "is not an account name: it is only '$'" }
      if name.count > 20 {
        return "is \(name.count) characters long; an account name (sAMAccountName) has at most 20"
      }
      if let bad = name.first(where: { "\"/\\[]:;|=,+*?<>@ ".contains($0) }) {
        return
          "holds '\(bad)', which an account name (sAMAccountName) cannot hold; give the name without the domain"
      }
      if name.hasSuffix(".") { return "ends with '.', which an account name cannot" }
      return nil
    case .email:
      let parts = value.split(separator: "@", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(" ") else {
        return "is not an email address: write it as name@domain"
      }
      return ValueKind.fqdn.problem(with: String(parts[1])).map { _ in
        "is not an email address: '\(parts[1])' is not a domain name"
      }
    case .port:
      guard let port = Int(value), (1...65535).contains(port) else {
        return "is not a port: give a number from 1 to 65535"
      }
      return nil
    case .secret:
      return Self.isSecretReference(value, schemes: schemes)
        ? nil
        : "is not a reference to a password store (\(schemes.joined(separator: ", "))): it may be the password itself"
    }
  }

  /// What a fix says about this kind, for a value that has the wrong form.
  public var formHint: String {
    switch self {
    case .netbios:
      return "a NetBIOS name has 1 to 15 characters and none of \\/:*?\"<>|. (for example FABRIKAM)"
    case .hostname:
      return "a host name is one DNS label: letters, digits and '-' (for example IDM01)"
    case .fqdn:
      return "a fully qualified domain name is labels joined by '.' (for example mim.fabrikam.com)"
    case .url: return "a URL starts with http:// or https:// (for example https://mim.fabrikam.com)"
    case .account:
      return
        "an account name is the sAMAccountName without the domain (for example svc-mimservice, or MIMSync$ for a gMSA)"
    case .email: return "an email address is name@domain (for example mim@fabrikam.com)"
    case .port: return "a port is a number from 1 to 65535"
    case .text: return "any single line of text"
    case .secret:
      return
        "give where the password is kept, not the password: 'SCHEME://PATH' or 'Store: entry', such as \"vault://kv/mim/svc-mimservice\" or \"KeePass: MIM/Service\"; a store of your own goes under 'secret_schemes:' in the runbook definition"
    }
  }

  /// A DNS label: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen.
  private static func labelProblem(_ label: String) -> String? {
    if label.isEmpty { return "it has an empty label (two dots together, or a dot at an end)" }
    if label.utf8.count > 63 { return "the label '\(label)' is longer than 63 characters" }
    if let bad = label.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-")) })
    {
      return "'\(bad)' is not allowed (letters, digits and '-' only)"
    }
    if label.hasPrefix("-") || label.hasSuffix("-") {
      return "the label '\(label)' starts or ends with '-'"
    }
    return nil
  }

  /// A reference names a known store: `SCHEME://PATH` (`vault://kv/mim/svc`,
  /// `op://Infra/MIM/password`) or `Store: entry` (`KeePass: Lab/MIM service accounts`), the
  /// scheme or store one of `schemes`, any case. `Summer:2024!` and `hunter2://Tr0ub4dor&3`
  /// name no store: they are passwords that happen to hold a colon.
  static func isSecretReference(
    _ value: String, schemes: [String] = defaultSecretSchemes
  ) -> Bool {
    let known = Set(schemes.map { $0.lowercased() })
    if let range = value.range(of: "://") {
      let path = value[range.upperBound...]
      return known.contains(value[..<range.lowerBound].lowercased()) && !path.isEmpty
        && !path.contains(where: \.isWhitespace)
    }
    guard let colon = value.range(of: ": ") else { return false }
    let entry = value[colon.upperBound...].trimmingCharacters(in: .whitespaces)
    return known.contains(value[..<colon.lowerBound].lowercased()) && !entry.isEmpty
  }
}
