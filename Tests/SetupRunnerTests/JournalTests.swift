import Foundation
import SetupPlan
import XCTest
@testable import SetupRunner

/// The journal on disk: refusing what it must not reuse, never overwriting it silently.
final class JournalTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    private func writeJournal(_ text: String) throws -> URL {
        try Workspace(url: fakes.workspace).create()
        let url = fakes.workspace.appendingPathComponent("state.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testCorruptJournalIsReportedAndNotOverwritten() async throws {
        let url = try writeJournal("{\"formatVersion\": 1, \"steps\": [")
        do {
            _ = try await fakes.runner(FakeTools.plan()).run(mode: .fresh, observer: RecordingObserver())
            XCTFail("a corrupt journal must stop the run")
        } catch let error as JournalError {
            guard case .corrupt(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertTrue(error.description.contains("left untouched"))
        }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "{\"formatVersion\": 1, \"steps\": [")
        XCTAssertTrue(fakes.calls().isEmpty, "nothing ran")
    }

    func testForeignJSONAndOtherVersionsAreRefused() throws {
        _ = try writeJournal("{\"name\": \"something else\"}")
        XCTAssertThrowsError(try Journal.load(workspace: fakes.workspace)) { error in
            guard case .corrupt? = error as? JournalError else { return XCTFail("\(error)") }
        }
        _ = try writeJournal("{\"formatVersion\": 7}")
        XCTAssertThrowsError(try Journal.load(workspace: fakes.workspace)) { error in
            XCTAssertEqual(error as? JournalError, .unsupportedVersion(
                path: fakes.workspace.appendingPathComponent("state.json").path, found: 7, expected: 1))
        }
    }

    func testChangedAnswersAreRefusedWithTheDiffUnlessReplan() async throws {
        let plan = FakeTools.plan()
        let old = "project: p\nzone: us-west1-b\nbucket: b1\n"
        let new = "project: p\nzone: us-west1-b\nbucket: b2\n"
        let first = try await fakes.runner(plan, answers: old).run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(first, .succeeded)
        let before = try String(contentsOf: fakes.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        for mode in [RunMode.resume, .fresh] {
            do {
                _ = try await fakes.runner(plan, answers: new).run(mode: mode, observer: RecordingObserver())
                XCTFail("changed answers must be refused in \(mode)")
            } catch let error as JournalError {
                guard case .answersChanged(_, let diff) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(diff, "  - bucket: b1\n  + bucket: b2")
                XCTAssertTrue(error.description.contains("--replan"))
            }
        }
        XCTAssertEqual(try String(contentsOf: fakes.workspace.appendingPathComponent("state.json"), encoding: .utf8), before)

        let observer = RecordingObserver()
        let replanned = try await fakes.runner(plan, answers: new).run(mode: .replan, observer: observer)
        XCTAssertEqual(replanned, .succeeded)
        // Finished steps are probed again and found (not made twice); the step that captures a value runs again.
        XCTAssertEqual(observer.status(of: "create-cluster"), .alreadyDone)
        XCTAssertEqual(observer.status(of: "project-number"), .done)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.fingerprint, Fingerprint.make(normalizedAnswers: new))
    }

    func testReplanRerunsAFinishedStepWhoseCommandChanged() async throws {
        let plan = FakeTools.plan()
        let first = try await fakes.runner(plan, answers: "bucket: b1\n").run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(first, .succeeded)
        // The new answers change one command (a new bucket, say): that step must not count as done.
        var changed = plan
        let index = try XCTUnwrap(changed.steps.firstIndex { $0.id == "install-operator" })
        changed.steps[index].argv = ["helm", "create", "operator-2"]
        changed.steps[index].probe = Probe(argv: ["helm", "describe", "operator-2"])
        let observer = RecordingObserver()
        let replanned = try await fakes.runner(changed, answers: "bucket: b2\n").run(mode: .replan, observer: observer)
        XCTAssertEqual(replanned, .succeeded)
        XCTAssertEqual(observer.status(of: "install-operator"), .done, "the changed step ran again")
        XCTAssertEqual(observer.status(of: "create-cluster"), .alreadyDone, "an unchanged finished step is found by its probe, not made again")
    }

    /// A replan probes again what it can; a finished step without a probe is kept only while its command and the files
    /// it reads are the same: another manifest (a new Ray version, say) is applied again. Checks always run again.
    func testReplanReappliesAChangedManifestAndChecksAgain() throws {
        let steps = [
            Step(id: "create-ksa", title: "t", why: "w", argv: ["kubectl", "create", "serviceaccount", "ksa"],
                 probe: Probe(argv: ["kubectl", "get", "serviceaccount", "ksa"]), kind: .create),
            Step(id: "apply-raycluster", title: "t", why: "w", argv: ["kubectl", "apply", "-f", Plan.manifestFile], files: [Plan.manifestFile],
                 kind: .configure),
            Step(id: "wait-head", title: "t", why: "w", argv: ["kubectl", "wait", "pod"], kind: .check),
            Step(id: "verify-bucket", title: "t", why: "w", argv: ["kubectl", "exec", "check"], kind: .verify),
        ]
        let old = Plan(answers: Answers(), steps: steps, manifest: "image: rayproject/ray:2.52.0\n", checkScript: "")
        var done = try Journal.prepare(existing: nil, mode: .fresh, plan: old, fingerprint: "a", normalizedAnswers: "a", journalPath: "j")
        for index in done.steps.indices { done.steps[index].status = .done }

        let same = try Journal.prepare(existing: done, mode: .replan, plan: old, fingerprint: "b", normalizedAnswers: "b", journalPath: "j")
        // The KSA is probed again; an unchanged manifest, which no probe can check, stays applied.
        XCTAssertEqual(same.steps.map(\.status), [.pending, .done, .pending, .pending])
        var newer = old
        newer.manifest = "image: rayproject/ray:2.53.0\n"
        let changed = try Journal.prepare(existing: done, mode: .replan, plan: newer, fingerprint: "b", normalizedAnswers: "b", journalPath: "j")
        XCTAssertEqual(changed.steps.map(\.status), [.pending, .pending, .pending, .pending])
    }

    func testResumeWithoutJournal() async throws {
        do {
            _ = try await fakes.runner(FakeTools.plan()).run(mode: .resume, observer: RecordingObserver())
            XCTFail("resume needs a journal")
        } catch let error as JournalError {
            guard case .noJournal = error else { return XCTFail("\(error)") }
        }
    }

    func testAtomicWriteModes() throws {
        let workspace = Workspace(url: fakes.workspace)
        try workspace.create()
        try workspace.writeFile("setup.sh", contents: "#!/bin/sh\n", mode: 0o700)
        try workspace.writeFile("answers.yaml", contents: "a: 1\n")
        try workspace.writeFile("answers.yaml", contents: "a: 2\n")
        let attributes = { (name: String) in
            try FileManager.default.attributesOfItem(atPath: self.fakes.workspace.appendingPathComponent(name).path)
        }
        XCTAssertEqual((try attributes("setup.sh")[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o700)
        XCTAssertEqual((try attributes("answers.yaml")[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600)
        XCTAssertEqual(try String(contentsOf: fakes.workspace.appendingPathComponent("answers.yaml"), encoding: .utf8), "a: 2\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fakes.workspace.path).sorted(),
                       ["answers.yaml", "logs", "setup.sh"])
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(Fingerprint.sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Fingerprint.sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Fingerprint.sha256(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        XCTAssertEqual(Fingerprint.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testJournalJSONRoundTrips() throws {
        let plan = FakeTools.plan()
        var journal = Journal(fingerprint: "f", normalizedAnswers: "project: \"p\"\n\tzone: é\u{1}", steps: plan.steps)
        journal.captures = ["PROJECT_NUMBER": "123", "B": "x\\y"]
        journal.result = .failed
        journal.steps[1].status = .failed
        journal.steps[1].exitCode = -3
        journal.steps[1].seconds = 1.25
        journal.steps[1].attempts = 2
        journal.steps[1].startedAt = "2026-01-01T00:00:00.000Z"
        journal.steps[1].finishedAt = "2026-01-01T00:00:01.250Z"
        journal.steps[1].hint = Hint(summary: "a \"quoted\" summary", fix: "line1\nline2")
        let decoded = try JSONDecoder().decode(Journal.self, from: journal.jsonData())
        XCTAssertEqual(decoded, journal)
    }

    /// A format-1 state.json laid out otherwise than JSONEncoder does (a hint on one line) loads and saves back the same.
    func testAnEarlierBuildsJournalLoads() throws {
        let fakes = try FakeTools()
        defer { fakes.remove() }
        try FileManager.default.createDirectory(at: fakes.workspace, withIntermediateDirectories: true)
        let text = #"""
        {
          "captures" : {
            "PROJECT_NUMBER" : "123"
          },
          "createdAt" : "2026-01-01T00:00:00.000Z",
          "fingerprint" : "f00d",
          "formatVersion" : 1,
          "normalizedAnswers" : "project: \"p\"\n",
          "result" : "failed",
          "steps" : [
            {
              "command" : "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
              "finishedAt" : "2026-01-01T00:00:01.250Z",
              "id" : "check-account",
              "logPath" : "logs/01-check-account.log",
              "seconds" : 1.25,
              "startedAt" : "2026-01-01T00:00:00.000Z",
              "status" : "done",
              "title" : "Check the gcloud account"
            },
            {
              "attempts" : 2,
              "exitCode" : 1,
              "hint" : { "fix" : "line1\nline2", "summary" : "a \"quoted\" summary" },
              "id" : "enable-apis",
              "logPath" : "logs/02-enable-apis.log",
              "status" : "failed",
              "title" : "Enable the APIs"
            }
          ],
          "updatedAt" : "2026-01-01T00:00:01.250Z"
        }

        """#
        try text.write(to: fakes.workspace.appendingPathComponent("state.json"), atomically: true, encoding: .utf8)
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.captures, ["PROJECT_NUMBER": "123"])
        XCTAssertEqual(journal.normalizedAnswers, "project: \"p\"\n")
        XCTAssertEqual(journal.result, .failed)
        XCTAssertEqual(journal.steps.map(\.status), [.done, .failed])
        XCTAssertEqual(journal.steps[0].fingerprint, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        XCTAssertEqual(journal.steps[0].seconds, 1.25)
        XCTAssertEqual(journal.steps[1].hint, Hint(summary: "a \"quoted\" summary", fix: "line1\nline2"))
        XCTAssertEqual(journal.steps[1].attempts, 2)
        // Written back, it reads the same.
        try journal.save(workspace: fakes.workspace)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace), journal)
    }

    func testAnswersDiff() {
        XCTAssertEqual(AnswersDiff.lines(old: "a: 1\nb: 2\nc: 3\n", new: "a: 1\nb: 5\nc: 3\nd: 4\n"),
                       ["- b: 2", "+ b: 5", "+ d: 4"])
        XCTAssertEqual(AnswersDiff.lines(old: "x", new: "x"), [])
    }
}
