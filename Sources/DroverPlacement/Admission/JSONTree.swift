import Foundation
import Yams

/// Turns a decoded JSON value into the tree placement reads, so the webhook and `place` share one analysis.
enum JSONTree {
    /// The tree of a `JSONSerialization` value; booleans and numbers become plain scalars of their JSON text.
    static func node(_ value: Any) -> Node {
        switch value {
        case let object as [String: Any]:
            return Node(object.map { (Node($0.key), node($0.value)) })
        case let array as [Any]:
            return Node(array.map(node))
        case let string as String:
            return Node(string, .implicit, .doubleQuoted)
        case let number as NSNumber:
            // JSONSerialization decodes true/false as NSNumbers of Objective-C type "c" (char), numbers as "i"/"q"/"d".
            if String(cString: number.objCType) == "c" { return Node(number.boolValue ? "true" : "false") }
            return Node(number.stringValue)
        default:
            return Node("null")
        }
    }
}
