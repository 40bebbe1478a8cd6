import Foundation
import RunModel
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
                path: fakes.workspace.appendingPathComponent("state.json").path, found: 7, expected: 2))
        }
    }

    func testChangedAnswersAreRefusedWithTheDiffUnlessReplan() async throws {
        var plan = FakeTools.plan()
        plan.answers.bucket.name = "b1"
        var new = plan
        new.answers.bucket.name = "b2"
        let first = try await fakes.runner(plan).run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(first, .succeeded)
        let before = try String(contentsOf: fakes.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        for mode in [RunMode.resume, .fresh] {
            do {
                _ = try await fakes.runner(new).run(mode: mode, observer: RecordingObserver())
                XCTFail("changed answers must be refused in \(mode)")
            } catch let error as JournalError {
                guard case .answersChanged(_, let diff) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(diff, "  -   name: b1\n  +   name: b2")
                XCTAssertTrue(error.description.contains("--replan"))
            }
        }
        XCTAssertEqual(try String(contentsOf: fakes.workspace.appendingPathComponent("state.json"), encoding: .utf8), before)

        let observer = RecordingObserver()
        let replanned = try await fakes.runner(new).run(mode: .replan, observer: observer)
        XCTAssertEqual(replanned, .succeeded)
        // Finished steps are probed again and found (not made twice); the step that captures a value runs again.
        XCTAssertEqual(observer.status(of: .createCluster), .alreadyDone)
        XCTAssertEqual(observer.status(of: .readProjectNumber), .done)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.normalizedAnswers, AnswersFile.normalizedYAML(new.answers))
    }

    func testReplanRerunsAFinishedStepWhoseCommandChanged() async throws {
        var plan = FakeTools.plan()
        plan.answers.bucket.name = "b1"
        let first = try await fakes.runner(plan).run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(first, .succeeded)
        // The new answers change one command (a new bucket, say): that step must not count as done.
        var changed = plan
        changed.answers.bucket.name = "b2"
        let index = try XCTUnwrap(changed.steps.firstIndex { $0.id == .installOperator })
        changed.steps[index].argv = ["helm", "create", "operator-2"]
        changed.steps[index].probe = Probe(argv: ["helm", "describe", "operator-2"])
        let observer = RecordingObserver()
        let replanned = try await fakes.runner(changed).run(mode: .replan, observer: observer)
        XCTAssertEqual(replanned, .succeeded)
        XCTAssertEqual(observer.status(of: .installOperator), .done, "the changed step ran again")
        XCTAssertEqual(observer.status(of: .createCluster), .alreadyDone, "an unchanged finished step is found by its probe, not made again")
    }

    /// A replan probes again what it can; a finished step without a probe is kept only while its command and the files
    /// it reads are the same: another manifest (a new Ray version, say) is applied again. Checks always run again.
    func testReplanReappliesAChangedManifestAndChecksAgain() throws {
        let steps = [
            Step(id: .createKSA, title: "t", why: "w", argv: ["kubectl", "create", "serviceaccount", "ksa"],
                 probe: Probe(argv: ["kubectl", "get", "serviceaccount", "ksa"]), kind: .create),
            Step(id: .applyRayCluster, title: "t", why: "w", argv: ["kubectl", "apply", "-f", WorkspaceFiles.manifest], files: [WorkspaceFiles.manifest],
                 kind: .configure),
            Step(id: .waitHead, title: "t", why: "w", argv: ["kubectl", "wait", "pod"], kind: .check),
            Step(id: .verifyBucket, title: "t", why: "w", argv: ["kubectl", "exec", "check"], kind: .verify),
        ]
        let old = Plan(answers: Answers(), steps: steps, manifest: "image: rayproject/ray:2.52.0\n", checkScript: "")
        var done = try Journal.prepare(existing: nil, mode: .fresh, plan: old, normalizedAnswers: "a", journalPath: "j")
        for index in done.steps.indices { done.steps[index].status = .done }

        let same = try Journal.prepare(existing: done, mode: .replan, plan: old, normalizedAnswers: "b", journalPath: "j")
        // The KSA is probed again; an unchanged manifest, which no probe can check, stays applied.
        XCTAssertEqual(same.steps.map(\.status), [.pending, .done, .pending, .pending])
        var newer = old
        newer.manifest = "image: rayproject/ray:2.53.0\n"
        let changed = try Journal.prepare(existing: done, mode: .replan, plan: newer, normalizedAnswers: "b", journalPath: "j")
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

    func testJournalJSONRoundTrips() throws {
        let plan = FakeTools.plan()
        var journal = Journal(normalizedAnswers: "project: \"p\"\n\tzone: é\u{1}", steps: plan.steps)
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

    /// A format 1 state.json (an earlier build's: SHA-256 digests of the answers and of each step's command, laid out
    /// otherwise than JSONEncoder does) loads: its answers and steps as they were, the digests dropped; written back it
    /// is format 2 and reads the same.
    func testAnEarlierBuildsJournalLoads() throws {
        let fakes = try FakeTools()
        defer { fakes.remove() }
        try FileManager.default.createDirectory(at: fakes.workspace, withIntermediateDirectories: true)
        try Self.format1Journal.write(to: fakes.workspace.appendingPathComponent("state.json"), atomically: true, encoding: .utf8)
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.formatVersion, 2)
        XCTAssertEqual(journal.planVersion, 1)
        XCTAssertTrue(journal.isFor(normalizedAnswers: "project: \"p\"\n"))
        XCTAssertEqual(journal.captures, ["PROJECT_NUMBER": "123"])
        XCTAssertEqual(journal.result, .failed)
        XCTAssertEqual(journal.steps.map(\.status), [.done, .failed])
        XCTAssertEqual(journal.steps.map(\.command), [nil, nil], "a digest is not a command")
        XCTAssertEqual(journal.steps[0].seconds, 1.25)
        XCTAssertEqual(journal.steps[1].hint, Hint(summary: "a \"quoted\" summary", fix: "line1\nline2"))
        XCTAssertEqual(journal.steps[1].attempts, 2)
        // Written back, it is format 2 (no digest left) and reads the same.
        try journal.save(workspace: fakes.workspace)
        let text = try String(contentsOf: fakes.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"formatVersion\" : 2"), text)
        XCTAssertFalse(text.contains("fingerprint") || text.contains("9f86d0"), text)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace), journal)
    }

    /// A step an earlier plan had and this one has not (the head pod's pip install, say) is left out on load; the
    /// other steps keep what they did, so a resume matches them by id.
    func testAStepThePlanNoLongerHasIsDroppedOnLoad() throws {
        let fakes = try FakeTools()
        defer { fakes.remove() }
        try FileManager.default.createDirectory(at: fakes.workspace, withIntermediateDirectories: true)
        let gone = #"""
            {
              "id" : "install-gcs-client",
              "logPath" : "logs/17-install-gcs-client.log",
              "status" : "done",
              "title" : "Install google-cloud-storage in the head pod"
            },
            {
              "attempts" : 2,
        """#
        let older = Self.format1Journal.replacingOccurrences(of: "    {\n      \"attempts\" : 2,", with: gone)
        XCTAssertTrue(older.contains("install-gcs-client"))
        try older.write(to: fakes.workspace.appendingPathComponent("state.json"), atomically: true, encoding: .utf8)
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.steps.map(\.id), [.checkGcloud, .enableAPIs])
        XCTAssertEqual(journal.steps.map(\.status), [.done, .failed])

        let unknownField = older.replacingOccurrences(of: #""status" : "failed""#, with: #""status" : "half-done""#)
        try unknownField.write(to: fakes.workspace.appendingPathComponent("state.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Journal.load(workspace: fakes.workspace), "a known step that does not decode is still an error")
    }

    /// An earlier build's journal of a failed run: `resume` continues at the failed step without redoing the finished
    /// ones; `--replan` runs a finished step that only its command could vouch for again, since a digest of the old
    /// command cannot be compared with the new one.
    func testAnEarlierBuildsJournalResumesAndReplansFromItsAnswers() async throws {
        let steps = [
            Step(id: .enableAPIs, title: "Enable the APIs", why: "w", argv: ["gcloud", "create", "apis"],
                 probe: Probe(argv: ["gcloud", "describe", "apis"]), kind: .update),
            Step(id: .getCredentials, title: "Get credentials", why: "w", argv: ["gcloud", "print", "credentials"], kind: .configure),
            Step(id: .createKSA, title: "Create the KSA", why: "w", argv: ["kubectl", "create", "ksa"],
                 probe: Probe(argv: ["kubectl", "describe", "ksa"]), kind: .create),
        ]
        let plan = FakeTools.plan(steps)
        let failed = try await fakes.runner(plan, extra: ["FAKE_FAIL": "create ksa"]).run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(failed, .failed)
        // The same journal as the earlier build wrote it: format 1, digests where the answers and commands are now.
        let url = fakes.workspace.appendingPathComponent("state.json")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["formatVersion"] = 1
        object["planVersion"] = nil
        object["fingerprint"] = String(repeating: "ab", count: 32)
        object["steps"] = (object["steps"] as? [[String: Any]] ?? []).map { step in
            step.merging(["command": String(repeating: "cd", count: 32)]) { _, digest in digest }
        }
        try JSONSerialization.data(withJSONObject: object).write(to: url)

        let resumed = RecordingObserver()
        let resumeResult = try await fakes.runner(plan).run(mode: .resume, observer: resumed)
        XCTAssertEqual(resumeResult, .succeeded)
        XCTAssertEqual(resumed.outcomes.map(\.stepID), [.createKSA], "the finished steps are not run again")
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.formatVersion, 2)

        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let replanned = RecordingObserver()
        let replanResult = try await fakes.runner(plan).run(mode: .replan, observer: replanned)
        XCTAssertEqual(replanResult, .succeeded)
        XCTAssertEqual(replanned.status(of: .enableAPIs), .alreadyDone, "probed again and found")
        XCTAssertEqual(replanned.status(of: .getCredentials), .done, "its old command is unknown: run again")
        XCTAssertEqual(fakes.created(), ["apis", "ksa"], "nothing made twice")
    }

    /// What `--replan` compares a kept step by: its command, probe and files as text, recorded only for such steps.
    func testACommandIsRecordedOnlyForStepsKeptWhileUnchanged() {
        let apply = Step(id: .applyRayCluster, title: "t", why: "w", argv: ["kubectl", "apply", "-f", WorkspaceFiles.manifest],
                         files: [WorkspaceFiles.manifest], kind: .configure)
        XCTAssertEqual(JournalStep.command(of: apply) { $0 == WorkspaceFiles.manifest ? "kind: RayCluster\n" : nil },
                       "kubectl apply -f raycluster.yaml\n--- raycluster.yaml\nkind: RayCluster\n")
        let probed = Step(id: .createKSA, title: "t", why: "w", argv: ["kubectl", "create", "sa", "a b"],
                          probe: Probe(argv: ["kubectl", "get", "sa"]), kind: .create)
        XCTAssertNil(JournalStep.command(of: probed), "its probe checks it again")
        var quoted = apply
        quoted.files = []
        quoted.argv = ["kubectl", "annotate", "sa", "a b"]
        XCTAssertEqual(JournalStep.command(of: quoted), "kubectl annotate sa 'a b'")
    }

    private static let format1Journal = #"""
    {
      "captures" : {
        "PROJECT_NUMBER" : "123"
      },
      "createdAt" : "2026-01-01T00:00:00.000Z",
      "fingerprint" : "0d3a6f5bb5b5d46d6e7a1e4ea5a5e1ff1d3eb5d0fb1b59b1b0f4d5a8d2c2d2f7",
      "formatVersion" : 1,
      "normalizedAnswers" : "project: \"p\"\n",
      "result" : "failed",
      "steps" : [
        {
          "command" : "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          "finishedAt" : "2026-01-01T00:00:01.250Z",
          "id" : "check-gcloud",
          "logPath" : "logs/01-check-gcloud.log",
          "seconds" : 1.25,
          "startedAt" : "2026-01-01T00:00:00.000Z",
          "status" : "done",
          "title" : "Check gcloud"
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

    func testAnswersDiff() {
        XCTAssertEqual(AnswersDiff.lines(old: "a: 1\nb: 2\nc: 3\n", new: "a: 1\nb: 5\nc: 3\nd: 4\n"),
                       ["- b: 2", "+ b: 5", "+ d: 4"])
        XCTAssertEqual(AnswersDiff.lines(old: "x", new: "x"), [])
    }
}
