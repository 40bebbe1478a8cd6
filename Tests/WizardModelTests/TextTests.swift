import XCTest
@testable import WizardModel

final class TextTests: XCTestCase {
    func testSanitizeRemovesEscapesAndControls() {
        XCTAssertEqual(OutputTail.sanitize("\u{1B}[1;31mred\u{1B}[0m"), "red")
        XCTAssertEqual(OutputTail.sanitize("a\tb"), "a       b")
        XCTAssertEqual(OutputTail.sanitize("10%\r50%\r100% done"), "100% done")
        XCTAssertEqual(OutputTail.sanitize("\u{1B}]0;title\u{07}text"), "text")
        XCTAssertEqual(OutputTail.sanitize("bell\u{07}"), "bell")
        XCTAssertEqual(OutputTail.sanitize("plain ✓"), "plain ✓")
    }

    func testWrapBreaksAtSpacesAndIndentsContinuations() {
        XCTAssertEqual(TextWrap.wrap("short", width: 10), ["short"])
        XCTAssertEqual(TextWrap.wrap("gcloud container clusters create", width: 16), ["gcloud ", "  container ", "  clusters ", "  create"])
        XCTAssertEqual(TextWrap.wrap("abcdefghij", width: 4), ["abcd", "  ef", "  gh", "  ij"])
        XCTAssertEqual(TextWrap.wrap("", width: 4), [""])
        XCTAssertEqual(TextWrap.wrap("abc", width: 1), ["a", "b", "c"])
    }

    func testCommandsWrapSoTheyPasteAsOneCommand() {
        let command = "ray job submit --address http://localhost:8265 --runtime-env-json '{\"pip\": [\"google-cloud-storage\"]}'"
            + " -- python -c \"from google.cloud import storage; c = storage.Client(); print([b.name for b in c.list_blobs('b')])\""
        XCTAssertEqual(TextWrap.command(command, width: 500), [command])
        XCTAssertEqual(TextWrap.command(command, width: 72), [
            "ray job submit --address http://localhost:8265 --runtime-env-json \\",
            "  '{\"pip\": [\"google-cloud-storage\"]}' -- python -c \\",
            "  \"from google.cloud import storage; c = storage.Client(); \\",
            "  print([b.name for b in c.list_blobs('b')])\"",
        ])
        for width in 20...140 {
            let rows = TextWrap.command(command, width: width)
            for (i, row) in rows.enumerated() {
                XCTAssertEqual(row.hasSuffix(" \\"), i < rows.count - 1, "\(width): \(rows)")
                XCTAssertEqual(row.filter { $0 == "'" }.count % 2, 0, "a break inside single quotes at \(width): \(rows)")
                XCTAssertTrue(row.count <= width || !row.dropFirst(2).dropLast(2).contains(" ") || row.contains("{"), "\(width): \(rows)")
            }
            // Read back as a shell reads the paste: ` \`+newline goes, the next row's indentation stays as spaces.
            let joined = rows.map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : $0 }.joined(separator: " ")
            XCTAssertEqual(joined.replacingOccurrences(of: " +", with: " ", options: .regularExpression), command, "\(width)")
        }
        XCTAssertEqual(TextWrap.command("kuberay-gcs-wizard resume --workspace '/tmp/my ws'", width: 30),
                       ["kuberay-gcs-wizard resume \\", "  --workspace '/tmp/my ws'"])
    }

    func testScrollViewClamps() {
        var view = ScrollView((1...10).map(String.init), width: 20)
        view.scroll(by: 100, rows: 4)
        XCTAssertEqual(view.offset, 6)
        view.scroll(by: -100, rows: 4)
        XCTAssertEqual(view.offset, 0)
        view.scrollToBottom(rows: 40)
        XCTAssertEqual(view.offset, 0)
    }
}
