import Foundation

/// Reads an image reference for the OS it needs, without a registry: Microsoft's Windows base repositories,
/// Windows tag words (`nanoserver`, `windowsservercore`, …), Windows release names (`ltsc2022`, `1809`,
/// `10.0.17763.x`) and Linux distribution words (`alpine`, `bookworm`, …).
///
/// Sources: Microsoft's container base images ("Windows container base images", learn.microsoft.com,
/// virtualization/windowscontainers/manage-containers/container-base-images) and the release/build table in
/// "Windows Server release information"; Docker Official Images' tag conventions (docker-library/official-images).
public enum ImageClassifier {
    /// Windows releases by the names used in tags, to their build numbers.
    public static let releaseBuilds: [String: Int] = [
        "ltsc2016": 14393, "sac2016": 14393, "1607": 14393,
        "1709": 16299, "1803": 17134,
        "ltsc2019": 17763, "1809": 17763,
        "1903": 18362, "1909": 18363, "2004": 19041, "20h2": 19042,
        "ltsc2022": 20348,
        "ltsc2025": 26100,
    ]

    /// Repositories (registry/path prefixes) that only hold Windows images.
    static let windowsRepositories = [
        "mcr.microsoft.com/windows", "mcr.microsoft.com/dotnet/framework",
        "docker.io/microsoft/windowsservercore", "docker.io/microsoft/nanoserver", "docker.io/microsoft/iis",
        "docker.io/microsoft/dotnet-framework",
    ]

    /// Tag words that only Windows variants carry.
    static let windowsTagWords: Set<String> = ["windowsservercore", "nanoserver", "servercore", "windowsserver", "windows"]

    /// Repositories that are Linux distributions, so every tag is a Linux image.
    static let linuxRepositories: Set<String> = [
        "docker.io/library/alpine", "docker.io/library/busybox", "docker.io/library/debian", "docker.io/library/ubuntu",
        "docker.io/library/centos", "docker.io/library/fedora", "docker.io/library/amazonlinux",
        "docker.io/library/rockylinux", "docker.io/library/almalinux", "docker.io/library/archlinux",
        "registry.access.redhat.com/ubi8", "registry.access.redhat.com/ubi9",
    ]

    /// Tag words that name a Linux distribution release.
    static let linuxTagWords: Set<String> = [
        "alpine", "bookworm", "bullseye", "buster", "stretch", "trixie", "jammy", "focal", "noble", "bionic",
        "slim", "ubi8", "ubi9", "distroless", "musl", "glibc", "uclibc",
    ]

    /// What the reference alone says.
    public static func verdict(for reference: ImageReference) -> ImageVerdict {
        let path = "\(reference.registry)/\(reference.repository)".lowercased()
        let words = tagWords(reference.tag)
        let build = windowsBuild(inTag: reference.tag)
        let buildNote = build.map { "; the tag names build \($0)" } ?? ""
        if windowsRepositories.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
            return .requires(.windows, build: build, reason: "\(path) is a Windows base image\(buildNote)")
        }
        if let word = words.first(where: windowsTagWords.contains) {
            return .requires(.windows, build: build, reason: "tag word '\(word)' marks a Windows variant\(buildNote)")
        }
        if linuxRepositories.contains(path) {
            return .requires(.linux, build: nil, reason: "\(path) is a Linux distribution")
        }
        if let word = words.first(where: { word in linuxTagWords.contains(word) || linuxTagWords.contains(where: { word.hasPrefix($0) && word.dropFirst($0.count).allSatisfy { $0.isNumber || $0 == "." } }) }) {
            return .requires(.linux, build: nil, reason: "tag word '\(word)' names a Linux distribution")
        }
        return .unknown
    }

    /// The Windows build a tag names (`ltsc2022`, `1809`, `10.0.17763.5458`, `…-ltsc2019-amd64`), if any.
    public static func windowsBuild(inTag tag: String?) -> WindowsBuild? {
        guard let tag = tag?.lowercased() else { return nil }
        // `10.0.NNNNN` anywhere in the tag, found by hand: a regular expression or Foundation's `range(of:)` per
        // image is slow on Linux Foundation (ICU).
        if let start = end(of: "10.0.", in: tag) {
            let digits = tag[start...].prefix(while: \.isNumber)
            if digits.count == 5, let number = Int(digits) { return WindowsBuild(number) }
        }
        for word in tagWords(tag) {
            if let number = releaseBuilds[word] { return WindowsBuild(number) }
        }
        return nil
    }

    /// The index after the first occurrence of `needle` in `text`, compared byte for byte.
    static func end(of needle: String, in text: String) -> String.Index? {
        let bytes = text.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index...].starts(with: needle.utf8) { return bytes.index(index, offsetBy: needle.utf8.count) }
            bytes.formIndex(after: &index)
        }
        return nil
    }

    /// The tag split at `-` and `_`, lowercased.
    static func tagWords(_ tag: String?) -> [String] {
        (tag ?? "").lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
    }
}
