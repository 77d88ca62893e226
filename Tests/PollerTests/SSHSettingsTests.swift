import Foundation
import Remote
import Testing

@testable import Poller
@testable import SlurmbotSettings

@Suite("SSH settings: the head node, the bastion and their checks")
struct SSHSettingsTests {
    static let home = NSHomeDirectory()

    @Test("only a host and a key: port 22, this account's name, no bastion, ~/.ssh/known_hosts")
    func defaults() throws {
        let ssh = try Settings(values: ["SLURM_SSH_HOST": "head.example", "SLURM_SSH_KEY": "~/.ssh/id_ed25519"]).ssh()
        #expect(ssh.head.host == "head.example" && ssh.head.port == 22 && ssh.head.user == Settings.localUser())
        #expect(ssh.head.credentials == SSHCredentials(keyPath: Self.home + "/.ssh/id_ed25519"))
        #expect(ssh.bastion == nil)
        #expect(ssh.options.knownHostsPath == Self.home + "/.ssh/known_hosts")
        #expect(ssh.options.connectTimeout == .seconds(10) && ssh.options.connectAttempts == 3)
        #expect(ssh.options.keepaliveInterval == .seconds(15))
    }

    @Test("the bastion uses the head node's user and credentials unless it has its own")
    func bastion() throws {
        var values = [
            "SLURM_SSH_HOST": "10.1.0.5", "SLURM_SSH_PORT": "2223", "SLURM_SSH_USER": "ana", "SLURM_SSH_PASSWORD": "pw",
            "SLURM_BASTION_HOST": "[2001:db8::1]", "SLURM_BASTION_PORT": "2222", "SLURM_KNOWN_HOSTS": "/etc/kh",
            "SLURM_SSH_CONNECT_TIMEOUT": "4", "SLURM_SSH_CONNECT_ATTEMPTS": "5", "SLURM_SSH_KEEPALIVE": "9",
        ]
        var ssh = try Settings(values: values).ssh()
        let bastion = try #require(ssh.bastion)
        #expect(bastion.host == "2001:db8::1" && bastion.port == 2222 && bastion.user == "ana")
        #expect(bastion.credentials == SSHCredentials(password: "pw"))
        #expect(bastion.description == "ana@[2001:db8::1]:2222")
        #expect(
            ssh.options
                == SSHOptions(
                    knownHostsPath: "/etc/kh", connectTimeout: .seconds(4), keepaliveInterval: .seconds(9),
                    connectAttempts: 5))
        values["SLURM_BASTION_USER"] = "jump"
        values["SLURM_BASTION_KEY"] = "/keys/jump"
        values["SLURM_BASTION_KEY_PASSPHRASE"] = "phrase"
        ssh = try Settings(values: values).ssh()
        #expect(ssh.bastion?.user == "jump")
        #expect(ssh.bastion?.credentials == SSHCredentials(keyPath: "/keys/jump", keyPassphrase: "phrase"))
    }

    @Test(
        "unusable settings are refused with the name to fix",
        arguments: [
            ([:], "SLURM_SSH_HOST is not set"),
            (["SLURM_SSH_HOST": "h"], "set SLURM_SSH_KEY (a private key file, preferred) or SLURM_SSH_PASSWORD"),
            (
                ["SLURM_SSH_HOST": "h", "SLURM_SSH_KEY": "k", "SLURM_SSH_PORT": "70000"],
                "SLURM_SSH_PORT must be a port number"
            ),
            (
                ["SLURM_SSH_HOST": "-oProxyCommand=sh", "SLURM_SSH_KEY": "k"],
                "SLURM_SSH_HOST is not a host name or address"
            ),
            (
                ["SLURM_SSH_HOST": "head; rm -rf /", "SLURM_SSH_KEY": "k"],
                "SLURM_SSH_HOST is not a host name or address"
            ),
            (
                ["SLURM_SSH_HOST": "h", "SLURM_SSH_KEY": "k", "SLURM_SSH_USER": "a b"],
                "SLURM_SSH_USER is not a user name"
            ),
            (
                ["SLURM_SSH_HOST": "h", "SLURM_SSH_KEY": "k", "SLURM_BASTION_HOST": "b c"],
                "SLURM_BASTION_HOST is not a host"
            ),
            (
                ["SLURM_SSH_HOST": "h", "SLURM_SSH_KEY": "k", "SLURM_SSH_CONNECT_TIMEOUT": "0"],
                "SLURM_SSH_CONNECT_TIMEOUT must be a whole number above 0, got '0'"
            ),
        ])
    func refused(values: [String: String], message: String) {
        #expect {
            try Settings(values: values).ssh()
        } throws: { error in
            (error as? SettingsError)?.description.contains(message) == true
        }
    }

    @Test("secrets never show in descriptions, dumps or errors")
    func secretsStayHidden() throws {
        let ssh = try Settings(
            values: [
                "SLURM_SSH_HOST": "h", "SLURM_SSH_KEY": "/k", "SLURM_SSH_KEY_PASSPHRASE": "phrase-XYZ",
                "SLURM_SSH_PASSWORD": "hunter2-XYZ", "SLURM_SSH_PORT": "22",
            ]
        ).ssh()
        var dumped = ""
        dump(ssh, to: &dumped)
        for text in ["\(ssh.head)", String(reflecting: ssh.head), "\(ssh.head.credentials)", dumped] {
            #expect(!text.contains("XYZ"), "a secret leaked into: \(text)")
        }
        #expect("\(ssh.head.credentials)" == "key /k (with passphrase) + password")
        let error = #expect(throws: SettingsError.self) {
            try Settings(values: ["SLURM_SSH_HOST": "h", "SLURM_SSH_PASSWORD": "pw-XYZ", "SLURM_SSH_PORT": "x-XYZ"])
                .ssh()
        }
        #expect(error?.description.contains("pw-XYZ") == false)
    }
}
