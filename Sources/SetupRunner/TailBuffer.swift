/// The last `capacity` lines of a stream: a ring, so a long output costs no more than its tail.
struct TailBuffer: Sendable {
    let capacity: Int
    private var storage: [String] = []
    private var next = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    mutating func append(_ line: String) {
        if storage.count < capacity {
            storage.append(line)
        } else {
            storage[next] = line
            next = (next + 1) % capacity
        }
    }

    /// The kept lines, oldest first.
    var lines: [String] {
        storage.count < capacity ? storage : Array(storage[next...] + storage[..<next])
    }

    /// The last `n` kept lines.
    func last(_ n: Int) -> [String] { Array(lines.suffix(n)) }
}
