import Yams

/// A cloud-config document (cloud-init's `#cloud-config` user data) with the modules Drover uses.
///
/// Serialised with Yams, strings quoted where YAML would misread them and file contents as literal blocks;
/// `runcmd` entries are argument lists (exec form), so no shell reparses them unless an entry runs `sh -c`.
public struct CloudConfig: Sendable, Equatable {
    /// Refresh the package index on first boot.
    public var packageUpdate: Bool?
    /// Upgrade installed packages on first boot.
    public var packageUpgrade: Bool?
    /// Packages to install.
    public var packages: [String]?
    /// Files written before any command runs.
    public var writeFiles: [WriteFile]?
    /// Commands run once, in order, at the end of first boot.
    public var runcmd: [[String]]?

    /// Creates a cloud-config.
    public init(
        packageUpdate: Bool? = nil, packageUpgrade: Bool? = nil, packages: [String]? = nil, writeFiles: [WriteFile]? = nil,
        runcmd: [[String]]? = nil
    ) {
        self.packageUpdate = packageUpdate
        self.packageUpgrade = packageUpgrade
        self.packages = packages
        self.writeFiles = writeFiles
        self.runcmd = runcmd
    }

    /// The document as cloud-init reads it, starting with the `#cloud-config` header.
    public func rendered() -> String {
        var fields: [(Node, Node)] = []
        func add(_ key: String, _ value: Node?) { if let value { fields.append((Node(key), value)) } }
        func flag(_ value: Bool?) -> Node? { value.map { Node($0 ? "true" : "false", Tag(.bool)) } }
        add("package_update", flag(packageUpdate))
        add("package_upgrade", flag(packageUpgrade))
        add("packages", packages.map { Node($0.map(YAMLValue.scalar)) })
        add("write_files", writeFiles.map { files in
            Node(files.map { file in
                Node([
                    (Node("path"), YAMLValue.scalar(file.path)), (Node("content"), YAMLValue.scalar(file.content)),
                    (Node("permissions"), YAMLValue.scalar(file.permissions)), (Node("owner"), YAMLValue.scalar(file.owner)),
                ])
            })
        })
        add("runcmd", runcmd.map { commands in Node(commands.map { Node($0.map(YAMLValue.scalar)) }) })
        // Serialising scalars, sequences and mappings built here cannot fail.
        return "#cloud-config\n" + ((try? Yams.serialize(node: Node(fields))) ?? "")
    }
}

/// One file cloud-init writes.
public struct WriteFile: Sendable, Equatable {
    /// Absolute path on the VM.
    public var path: String
    /// The file's text.
    public var content: String
    /// Octal mode as a string, as cloud-init's schema requires (`"0600"`).
    public var permissions: String
    /// `user:group`.
    public var owner: String

    /// Creates a file entry; files are private (0600, root) unless said otherwise.
    public init(path: String, content: String, permissions: String = "0600", owner: String = "root:root") {
        self.path = path
        self.content = content
        self.permissions = permissions
        self.owner = owner
    }
}
