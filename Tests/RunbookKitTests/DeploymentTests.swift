import Testing

@testable import RunbookKit

/// Deployment files checked against runbook.yml, every problem of a file reported together.
@Suite struct DeploymentTests {
  let definition: RunbookDefinition

  init() throws {
    definition = try projectDefinition()
  }

  /// The project's fabrikam deployment file with some lines changed.
  func file(replacing old: String = "", with new: String = "") -> String {
    old.isEmpty ? fabrikamFile : fabrikamFile.replacingOccurrences(of: old, with: new)
  }

  func errors(_ text: String) -> String {
    do {
      _ = try Deployment(
        id: "fabrikam", path: "Content/deployments/fabrikam.yml", text: text, definition: definition
      )
      return ""
    } catch {
      return error.description
    }
  }

  @Test func goodFileLoads() throws {
    let deployment = try Deployment(
      id: "fabrikam", path: "f.yml", text: file(), definition: definition)
    #expect(deployment.name == "Fabrikam production")
    #expect(deployment.values.count == 11)
    #expect(deployment.values["mim_server"] == "IDM01")
  }

  @Test func unknownKeyWithDidYouMean() {
    #expect(
      errors(file(replacing: "  mim_server:", with: "  mim_sever:"))
        == """
        Content/deployments/fabrikam.yml:6:3: error: unknown value 'mim_sever'
          fix: did you mean 'mim_server'? (Computer name of the server that runs MIM Service and Portal, replaces CORPIDM, mimservername)
        """)
  }

  @Test func wrongFormsForTheirKinds() {
    let text = file()
      .replacingOccurrences(of: "domain: FABRIKAM", with: "domain: FABRIKAM.COM")
      .replacingOccurrences(of: "mim_server: IDM01", with: "mim_server: idm01.fabrikam.com")
      .replacingOccurrences(
        of: "portal_host: identity.fabrikam.com", with: "portal_host: identity..fabrikam.com"
      )
      .replacingOccurrences(
        of: "mim_ma_account: svc-mimma", with: "mim_ma_account: FABRIKAM\\svc-mimma"
      )
      .replacingOccurrences(of: "\"vault://kv/mim/svc-mimservice\"", with: "Pass@word1")
    #expect(
      errors(text)
        == """
        Content/deployments/fabrikam.yml:4:11: error: 'FABRIKAM.COM' (domain) holds '.', which a NetBIOS name cannot hold
          fix: a NetBIOS name has 1 to 15 characters and none of \\/:*?"<>|. (for example FABRIKAM)
        Content/deployments/fabrikam.yml:6:15: error: 'idm01.fabrikam.com' (mim_server) holds '.'; give the short host name (the fqdn kind takes dotted names)
          fix: a host name is one DNS label: letters, digits and '-' (for example IDM01)
        Content/deployments/fabrikam.yml:8:19: error: 'FABRIKAM\\svc-mimma' (mim_ma_account) holds '\\', which an account name (sAMAccountName) cannot hold; give the name without the domain
          fix: an account name is the sAMAccountName without the domain (for example svc-mimservice, or MIMSync$ for a gMSA)
        Content/deployments/fabrikam.yml:11:16: error: 'identity..fabrikam.com' (portal_host) is not a fully qualified domain name: it has an empty label (two dots together, or a dot at an end)
          fix: a fully qualified domain name is labels joined by '.' (for example mim.fabrikam.com)
        Content/deployments/fabrikam.yml:14:21: error: the value of 'service_password' is not a reference to a password store (vault, keepass, op, bw, azurekv, awssm, cyberark, pass): it may be the password itself
          fix: give where the password is kept, not the password: 'SCHEME://PATH' or 'Store: entry', such as "vault://kv/mim/svc-mimservice" or "KeePass: MIM/Service"; a store of your own goes under 'secret_schemes:' in the runbook definition
        """)
  }

  @Test func brokenYAMLGivesLineAndColumn() {
    #expect(
      errors(file(replacing: "  mim_server: IDM01", with: "  mim_server: [IDM01"))
        == """
        Content/deployments/fabrikam.yml:7:22: error: invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'
          fix: check the indentation and quoting on that line; quote a value that holds ': ' or starts with '*', '&', '!', '%' or '@'
        """)
  }

  @Test func unknownTopLevelKeyAndMissingName() {
    #expect(
      errors(file(replacing: "name: Fabrikam production\n", with: "valus: 1\n")) == """
        Content/deployments/fabrikam.yml:2:1: error: unknown key 'valus'
          fix: use 'name:', 'values:' and 'choose:' only
        Content/deployments/fabrikam.yml:2:1: error: the deployment has no name
          fix: add 'name: <display name>', such as 'name: Fabrikam production'
        """)
  }

  @Test(arguments: [
    ("netbios", "CORP", true), ("netbios", "A-VERY-LONG-NAME1", false),
    ("hostname", "IDM-01", true),
    ("hostname", "-idm", false), ("fqdn", "mim.fabrikam.com", true), ("fqdn", "fabrikam", false),
    ("url", "https://mim.fabrikam.com/identitymanagement", true),
    ("url", "mim.fabrikam.com", false),
    ("account", "MIMSync$", true), ("account", "svc mim", false),
    ("account", "averyveryverylongaccount1", false),
    ("email", "mim@fabrikam.com", true), ("email", "mim.fabrikam.com", false),
    ("port", "5725", true),
    ("port", "70000", false), ("secret", "vault://kv/mim/svc", true),
    ("secret", "KeePass: MIM/Service", true),
    ("secret", "Pass@word1", false), ("secret", "hunter2", false),
    ("text", "anything at all", true),
  ])
  func kinds(kind: String, value: String, valid: Bool) throws {
    let kind = try #require(ValueKind(rawValue: kind))
    #expect((kind.problem(with: value) == nil) == valid)
  }
}
