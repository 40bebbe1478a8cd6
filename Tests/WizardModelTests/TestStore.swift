import XCTest
import Cells
import WizardModel

/// A small exhaustive test store (after TCA's TestStore): every `send` states the whole change it expects
/// to the state and the exact effects; anything else fails the test with a line diff of the state.
final class TestStore {
    private(set) var state: WizardState

    init(_ state: WizardState) {
        self.state = state
    }

    /// Sends `action`; fails unless the state changes exactly as `expect` says and the effects equal `effects`.
    func send(_ action: WizardAction, effects: [WizardEffect] = [], file: StaticString = #filePath, line: UInt = #line,
              _ expect: (inout WizardState) -> Void = { _ in }) {
        var expected = state
        expect(&expected)
        let produced = WizardModel.update(&state, action)
        XCTAssertEqual(produced, effects, "effects of \(action)", file: file, line: line)
        assertState(expected, after: "\(action)", file: file, line: line)
    }

    /// Sends several keys; checks the effects of all of them together and the state after the last.
    func send(keys: [Key], effects: [WizardEffect] = [], file: StaticString = #filePath, line: UInt = #line,
              _ expect: (inout WizardState) -> Void = { _ in }) {
        var expected = state
        expect(&expected)
        var produced: [WizardEffect] = []
        for key in keys { produced += WizardModel.update(&state, .key(key)) }
        XCTAssertEqual(produced, effects, "effects of \(keys)", file: file, line: line)
        assertState(expected, after: "\(keys)", file: file, line: line)
    }

    /// Types text one character at a time.
    func type(_ text: String, file: StaticString = #filePath, line: UInt = #line, _ expect: (inout WizardState) -> Void = { _ in }) {
        send(keys: text.map { Key.char($0) }, file: file, line: line, expect)
    }

    private func assertState(_ expected: WizardState, after: String, file: StaticString, line: UInt) {
        guard state != expected else { return }
        XCTFail("state after \(after) differs from the expected one (- expected, + actual):\n\(Self.diff(expected, state))", file: file, line: line)
    }

    /// The lines of two dumps that differ, with a little context.
    static func diff(_ a: WizardState, _ b: WizardState) -> String {
        var left = "", right = ""
        dump(a, to: &left)
        dump(b, to: &right)
        let l = left.split(separator: "\n", omittingEmptySubsequences: false)
        let r = right.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(l.count, r.count) {
            let x = i < l.count ? String(l[i]) : ""
            let y = i < r.count ? String(r[i]) : ""
            if x != y {
                out.append("- \(x)")
                out.append("+ \(y)")
            }
            if out.count > 60 { break }
        }
        return out.joined(separator: "\n")
    }
}
