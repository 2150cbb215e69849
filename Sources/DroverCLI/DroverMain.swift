public enum DroverMain { public static func main() async {} }
