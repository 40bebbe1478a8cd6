import Foundation
import SetupPlan
import WizardResources
import XCTest
import Yams

/// The answers documented for people, `Resources/example-answers.yaml` and the README's answers block, checked field by
/// field against `Answers.defaults`, the choices, the GPU table and the versions they are written from.
final class AnswersDocumentsTests: XCTestCase {
    /// The README's first YAML block after "## The answers file".
    private static var readmeBlock: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
            let section = try XCTUnwrap(readme.range(of: "## The answers file"), "README has no answers section")
            let rest = readme[section.upperBound...]
            let start = try XCTUnwrap(rest.range(of: "```yaml\n"))
            let end = try XCTUnwrap(rest[start.upperBound...].range(of: "```"))
            return String(rest[start.upperBound..<end.lowerBound])
        }
    }

    private var documents: [(name: String, text: String)] {
        get throws { [("Resources/example-answers.yaml", WizardResources.exampleAnswers), ("README's answers block", try Self.readmeBlock)] }
    }

    /// What the documents give for the two required keys, over the defaults.
    private var documented: Answers {
        var answers = Answers.defaults
        answers.project = "my-project-id"
        answers.bucket.name = "my-bucket"
        return answers
    }

    /// A field's value with what an empty optional one stands for.
    private func value(_ field: AnswerField, _ answers: Answers) -> String? {
        field.get(answers) ?? field.placeholder(in: answers)
    }

    func testEveryValueIsTheDefault() throws {
        for (name, text) in try documents {
            let loaded = try AnswersFile.load(yaml: text)
            for field in AnswerFields.fields(in: documented) {
                XCTAssertEqual(value(field, loaded), value(field, documented), "\(name): \(field.path)")
            }
            XCTAssertEqual(loaded.ray.workers.count, documented.ray.workers.count, name)
        }
    }

    /// Every key is there, set or commented out (an answer of another cluster mode, a GPU group); a commented one holds
    /// a value its field takes.
    func testEveryKeyIsShownAndCommentedOnesAreValid() throws {
        var gpuGroup = documented
        gpuGroup.ray.workers[0].gpu = WorkerGroup.GPU(type: "nvidia-l4")
        let paths = AnswerFields.fields(in: gpuGroup).map { $0.path.replacingOccurrences(of: "\(WorkerGroupFields.listPath)[0]", with: "ray.workers") }
        for (name, text) in try documents {
            // The commented keys as keys: `  # location: us-west1   # ...` -> `  location: us-west1   # ...`.
            let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                guard let match = line.firstMatch(of: #/^(\s*)# (\s*[A-Za-z]+:.*)$/#) else { return String(line) }
                return String(match.1) + String(match.2)
            }.joined(separator: "\n")
            let tree = try XCTUnwrap(try Yams.load(yaml: uncommented), name)
            for path in paths {
                var node: Any? = tree
                for key in path.split(separator: ".") {
                    node = (node as? [String: Any])?[String(key)] ?? ((node as? [Any])?.first as? [String: Any])?[String(key)]
                }
                let text = node.map { "\($0)" }
                XCTAssertNotNil(text, "\(name): no \(path)")
                guard let text, let field = AnswerFields.field(path.replacingOccurrences(of: "ray.workers.", with: "ray.workers[0].")) else { continue }
                var answers = gpuGroup
                XCTAssertNoThrow(try field.set(text, in: &answers), "\(name): \(path) \(text)")
                XCTAssertNil(field.check(text), "\(name): \(path) \(text)")
            }
        }
    }

    /// A comment listing a field's choices (`# a | b | c`) lists exactly its choices; the GPU types are the table's.
    func testListedChoicesAreTheFieldsChoices() throws {
        for (name, text) in try documents {
            for line in text.split(separator: "\n") {
                guard let hash = line.firstIndex(of: "#"), line[hash...].contains(" | "),
                      let key = line[..<hash].firstMatch(of: #/([A-Za-z]+):/#)?.1 else { continue }
                let listed = line[line.index(after: hash)...].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                let choices: [String]
                switch key {
                case "type": choices = GPUType.known.map(\.id)
                case "mode" where line.contains("iam-service-account"): choices = IdentityMode.allCases.map(\.rawValue)
                case "mode": choices = ClusterMode.allCases.map(\.rawValue)
                case "operator": choices = OperatorMode.allCases.map(\.rawValue)
                default: XCTFail("\(name): choices listed for \(key)"); continue
                }
                XCTAssertEqual(listed, choices, "\(name): \(line)")
            }
        }
    }

    /// The GPU table, the versions and the README's words about them come from the code.
    func testTheGPUTableAndVersionsAreTheCodes() throws {
        // Its paragraphs wrap anywhere: words apart by any whitespace read as one space.
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let counts = GPUType.known.map { "\($0.name) " + $0.machines.map { String($0.count) }.joined(separator: "/") }.joined(separator: ", ")
        XCTAssertTrue(try Self.readmeBlock.contains("# per pod and node: \(counts)\n"), "README's GPU counts are not \(counts)")
        for type in GPUType.known {
            guard let machine = type.machineType(count: 1) else { continue }
            XCTAssertTrue(readme.contains("\(machine) for one \(type.name)"), "README does not say \(machine) for one \(type.name)")
        }
        let knownGood = RayVersions.knownGood.joined(separator: ", ")
        XCTAssertTrue(try Self.readmeBlock.contains("# known good: \(knownGood) (KubeRay \(KubeRay.operatorVersion)'s samples)"))
        XCTAssertTrue(readme.contains("Ray \(RayVersions.default), KubeRay \(KubeRay.operatorVersion)"), "the introduction's versions")
        XCTAssertTrue(readme.contains("kuberay-operator \(KubeRay.operatorVersion)"), "the Helm install's version")
    }
}
