/// What an image alone says about the OS and Windows build it needs.
public enum ImageVerdict: Sendable, Hashable {
    /// The image runs on one OS only (and, for Windows, on one build when `build` is known).
    case requires(OperatingSystem, build: WindowsBuild?, reason: String)
    /// The image offers several OSes; it decides nothing.
    case multiOS(reason: String)
    /// Nothing about the image is known.
    case unknown
}
