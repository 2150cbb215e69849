import DroverEngine
import Foundation

/// `azure.virtual_machine`: a Linux (SSH key, cloud-init custom data) or Windows (password, VM agent) VM with a
/// managed OS disk deleted with it (Compute 2024-07-01, `VirtualMachine` in virtualMachine.json and
/// computeRPCommon.json; azure-api.md §6).
public struct VirtualMachineHandler: ARMResourceHandler {
    /// Inputs, as the blueprint sends them.
    public struct Inputs: ResourceGroupScopedInputs, Equatable {
        /// The VM resource's name (≤ 64 characters).
        public var name: String
        /// The host name: Windows 1–15 characters without `.`, not ending in `-`; Linux 1–64.
        public var computerName: String
        /// Its resource group's name.
        public var resourceGroup: String
        /// The Azure region.
        public var location: String
        /// The size, such as `Standard_D2s_v5`.
        public var size: String
        /// `linux` or `windows`.
        public var os: String
        /// `publisher:offer:sku:version`, such as `Canonical:ubuntu-24_04-lts:server:latest`.
        public var image: String
        /// The administrator's user name.
        public var adminUsername: String
        /// The NIC's id.
        public var networkInterfaceId: String
        /// Linux: the SSH public key text (`ssh-ed25519 …` / `ssh-rsa …`).
        public var sshPublicKey: String?
        /// Linux: a file holding the SSH public key, read when `sshPublicKey` is not given.
        public var sshPublicKeyPath: String?
        /// Windows: the administrator password (secret).
        public var adminPassword: String?
        /// The custom data as text (cloud-config on Linux); sent base64, at most 65535 bytes (secret-free by rule).
        public var customData: String?
        /// The OS disk's storage type; `StandardSSD_LRS` when not given.
        public var osDiskType: String?
    }

    /// Outputs: the VM's ARM id and its unique `vmId`.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The ARM id.
        public var id: String
        /// Azure's unique id of this VM instance.
        public var vmId: String
    }

    struct Body: Codable {
        struct ImageReference: Codable {
            var publisher: String
            var offer: String
            var sku: String
            var version: String
        }
        struct ManagedDisk: Codable { var storageAccountType: String }
        struct OSDisk: Codable {
            var createOption: String
            var caching: String?
            var managedDisk: ManagedDisk?
            var deleteOption: String?
        }
        struct StorageProfile: Codable {
            var imageReference: ImageReference
            var osDisk: OSDisk
        }
        struct SSHKey: Codable {
            var path: String
            var keyData: String
        }
        struct SSH: Codable { var publicKeys: [SSHKey] }
        struct LinuxConfiguration: Codable {
            var disablePasswordAuthentication: Bool
            var ssh: SSH
        }
        struct WindowsConfiguration: Codable {
            var provisionVMAgent: Bool
            var enableAutomaticUpdates: Bool
        }
        struct OSProfile: Codable {
            var computerName: String
            var adminUsername: String
            var adminPassword: String?
            var customData: String?
            var linuxConfiguration: LinuxConfiguration?
            var windowsConfiguration: WindowsConfiguration?
        }
        struct NICReference: Codable {
            struct Properties: Codable {
                var primary: Bool
                var deleteOption: String
            }
            var id: String
            var properties: Properties
        }
        struct NetworkProfile: Codable { var networkInterfaces: [NICReference] }
        struct HardwareProfile: Codable { var vmSize: String }
        struct Properties: Codable {
            var hardwareProfile: HardwareProfile
            var storageProfile: StorageProfile
            var osProfile: OSProfile
            var networkProfile: NetworkProfile
        }
        var location: String
        var properties: Properties
    }

    struct Answer: Decodable {
        struct Properties: Decodable {
            struct Hardware: Decodable { var vmSize: String? }
            var vmId: String?
            var provisioningState: String?
            var hardwareProfile: Hardware?
        }
        var id: String?
        var location: String?
        var properties: Properties?
    }

    /// User names Azure refuses for the administrator (`OSProfile.adminUsername` description; azure-api.md §6.3).
    public static let refusedUsernames: Set<String> = [
        "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm",
        "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
        "support_388945a0", "sys", "test2", "test3", "user4", "user5",
    ]

    /// The most custom data Azure keeps: "The maximum length of the binary array is 65535 bytes" (azure-api.md §6.1).
    public static let customDataLimit = 65535

    public static let resourceType = "Microsoft.Compute/virtualMachines"
    public static let apiVersion = APIVersions.compute

    public let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.virtual_machine" }
    /// Custom data "cannot be updated after the VM is created" (azure-api.md §6.1); the OS profile is fixed too.
    public var replaceTriggers: Set<String> {
        ["name", "location", "resourceGroup", "image", "adminUsername", "customData", "computerName", "os", "sshPublicKey", "sshPublicKeyPath", "adminPassword", "networkInterfaceId", "osDiskType"]
    }
    public var sensitiveInputs: Set<String> { ["customData", "adminPassword"] }

    /// Checks `inputs` and builds the body; every failure names the field and is raised before anything is sent.
    static func body(_ inputs: Inputs, readFile: (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }) throws -> Body {
        func invalid(_ field: String, _ why: String, _ fix: String? = nil) -> CodedError {
            CodedError(code: "InvalidVirtualMachine", message: "virtual machine \(inputs.name): \(field): \(why)", remediation: fix, nothingApplied: true)
        }
        let image = inputs.image.split(separator: ":").map(String.init)
        guard image.count == 4 else { throw invalid("image", "\"\(inputs.image)\" is not publisher:offer:sku:version") }
        var customData: String?
        if let text = inputs.customData {
            let bytes = Data(text.utf8)
            guard bytes.count <= customDataLimit else {
                throw invalid("customData", "\(bytes.count) bytes; Azure keeps at most \(customDataLimit)", "move large files out of custom data (download them at boot)")
            }
            customData = bytes.base64EncodedString()
        }
        let windows = inputs.os.lowercased() == "windows"
        let user = inputs.adminUsername
        guard !refusedUsernames.contains(user.lowercased()), (1...(windows ? 20 : 64)).contains(user.count), !(windows && user.hasSuffix(".")) else {
            throw invalid("adminUsername", "\"\(user)\" is refused by Azure (reserved, too long, or ending with .)", "choose another admin.username, such as drover")
        }
        var profile = Body.OSProfile(computerName: inputs.computerName, adminUsername: inputs.adminUsername, customData: customData)
        switch inputs.os.lowercased() {
        case "linux":
            guard (1...64).contains(inputs.computerName.count), !inputs.computerName.hasSuffix("."), !inputs.computerName.hasSuffix("-") else {
                throw invalid("computerName", "\"\(inputs.computerName)\" must be 1–64 characters and not end with . or -")
            }
            var key = inputs.sshPublicKey
            if key == nil, let path = inputs.sshPublicKeyPath {
                // `~` is $HOME, as OpenSSH and the spec's preflight read it (not the password database's home).
                let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
                let expanded = path.hasPrefix("~/") ? home + path.dropFirst(1) : path
                do { key = try readFile(expanded) } catch {
                    let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
                    throw invalid("sshPublicKeyPath", "cannot read \(expanded): \(reason ?? error.localizedDescription)")
                }
            }
            guard let key = key?.trimmingCharacters(in: .whitespacesAndNewlines), key.hasPrefix("ssh-") || key.hasPrefix("ecdsa-") else {
                throw invalid("sshPublicKey", "no OpenSSH public key given", "set admin.sshPublicKeyPath to a .pub file")
            }
            profile.linuxConfiguration = .init(
                disablePasswordAuthentication: true,
                ssh: .init(publicKeys: [.init(path: "/home/\(inputs.adminUsername)/.ssh/authorized_keys", keyData: key)]))
        case "windows":
            let name = inputs.computerName
            guard (1...15).contains(name.count), !name.contains("."), !name.hasSuffix("-") else {
                throw invalid("computerName", "\"\(name)\" must be 1–15 characters, without . and not ending with -", "shorten the node pool's name")
            }
            guard let password = inputs.adminPassword else { throw invalid("adminPassword", "a Windows VM needs an administrator password") }
            if let why = WindowsPasswordRule.violation(password) { throw invalid("adminPassword", why, "let Drover generate the password") }
            profile.adminPassword = password
            // The VM agent must run for extensions to work (azure-api.md §6.2).
            profile.windowsConfiguration = .init(provisionVMAgent: true, enableAutomaticUpdates: true)
        default:
            throw invalid("os", "\"\(inputs.os)\" is not linux or windows")
        }
        return Body(
            location: inputs.location,
            properties: .init(
                hardwareProfile: .init(vmSize: inputs.size),
                storageProfile: .init(
                    imageReference: .init(publisher: image[0], offer: image[1], sku: image[2], version: image[3]),
                    // deleteOption Delete: the OS disk goes with the VM (azure-api.md §6.1).
                    osDisk: .init(createOption: "FromImage", caching: "ReadWrite", managedDisk: .init(storageAccountType: inputs.osDiskType ?? "StandardSSD_LRS"), deleteOption: "Delete")),
                osProfile: profile,
                // The NIC is Drover's own resource: detached, not deleted, with the VM.
                networkProfile: .init(networkInterfaces: [.init(id: inputs.networkInterfaceId, properties: .init(primary: true, deleteOption: "Detach"))])))
    }


    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let body = try Self.body(inputs)
        let arm = try await arm(context)
        let result = try await put(arm, inputs, body: body, as: Answer.self, context: context)
        return Outputs(id: result.id ?? path(arm, inputs), vmId: result.properties?.vmId ?? "")
    }

    /// The body of an in-place change (`VirtualMachineUpdate`): only the size; the OS profile (password, custom
    /// data) cannot change after creation (azure-api.md §6.1), so it is never sent again.
    struct Resize: Encodable {
        struct Properties: Encodable { var hardwareProfile: Body.HardwareProfile }
        var properties: Properties
    }

    static func resize(_ inputs: Inputs) -> Resize { Resize(properties: .init(hardwareProfile: .init(vmSize: inputs.size))) }

    /// Resizes the VM with a PATCH (ARM restarts it); every other input is a replace trigger or the NIC.
    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        let arm = try await arm(context)
        let result = try await arm.patch(path(arm, new), apiVersion: Self.apiVersion, body: Self.resize(new), as: Answer.self, context: context)
        return Outputs(id: result.id ?? prior.id, vmId: result.properties?.vmId ?? prior.vmId)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await arm(context)
        guard let found = try await fetch(arm, inputs, as: Answer.self, context: context) else { return nil }
        var observed = inputs
        observed.size = found.properties?.hardwareProfile?.vmSize ?? inputs.size
        return Observed(
            Outputs(id: found.id ?? path(arm, inputs), vmId: found.properties?.vmId ?? prior?.vmId ?? ""), inputs: observed,
            settled: ARMClient.isSettled(found.properties?.provisioningState))
    }


}
