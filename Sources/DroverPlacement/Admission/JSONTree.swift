import Foundation
import Yams

/// Turns a decoded JSON value into the tree placement reads, so the webhook and `place` share one analysis.
enum JSONTree {
    /// The tree of a `JSONSerialization` value; booleans and numbers become plain scalars of their JSON text.
    static func node(_ value: Any) -> Node {
        // One tag for the whole tree: each Yams `Tag` built anew constructs its resolver and constructor tables.
        node(value, tag: Tag(.implicit, .basic))
    }

    static func node(_ value: Any, tag: Tag) -> Node {
        switch value {
        case let object as [String: Any]:
            return Node(object.map { (Node($0.key, tag), node($0.value, tag: tag)) }, tag)
        case let array as [Any]:
            return Node(array.map { node($0, tag: tag) }, tag)
        case let string as String:
            return Node(string, tag, .doubleQuoted)
        case let number as NSNumber:
            // JSONSerialization decodes true/false as NSNumbers of Objective-C type "c" (char), numbers as "i"/"q"/"d".
            if String(cString: number.objCType) == "c" { return Node(number.boolValue ? "true" : "false", tag) }
            return Node(number.stringValue, tag)
        default:
            return Node("null", tag)
        }
    }
}
