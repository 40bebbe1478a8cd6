import Foundation
import XCTest
@testable import Diagnosis

/// The JSON Patch of a RayCluster fix is JSON whatever the cluster's labels hold: keys and values escaped.
final class PatchOperationTests: XCTestCase {
    func testAKeyThatNeedsEscapingStaysOneValidPointer() throws {
        // A misspelt selector key with a quote, a backslash and a slash, as someone may have typed it.
        let misspelt = #"iam.gke.io/gke-metadata-server-enable"\d"#
        let spec = JSONValue(["serviceAccountName": "my-ksa", "nodeSelector": [misspelt: "true"]])
        let template = PodTemplate(group: "gpu", path: "/spec/workerGroupSpecs/0/template/spec", spec: spec)
        let operations = template.problems(ksa: "my-ksa", metadataSelector: true).flatMap(\.operations)
        let document = PatchOperation.document(operations)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [[String: Any]], document)
        XCTAssertEqual(parsed.count, 2, document)
        XCTAssertEqual(parsed[0]["op"] as? String, "remove")
        XCTAssertEqual(parsed[0]["path"] as? String, #"/spec/workerGroupSpecs/0/template/spec/nodeSelector/iam.gke.io~1gke-metadata-server-enable"\d"#)
        XCTAssertEqual(parsed[1]["op"] as? String, "add")
        XCTAssertEqual(parsed[1]["path"] as? String, "/spec/workerGroupSpecs/0/template/spec/nodeSelector/iam.gke.io~1gke-metadata-server-enabled")
        XCTAssertEqual(parsed[1]["value"] as? String, "true")
    }

    func testAWholeSelectorIsAddedAsAMapAndValuesAreEscaped() throws {
        let document = PatchOperation.document([
            PatchOperation(.add, "/spec/headGroupSpec/template/spec/nodeSelector", map: ["iam.gke.io/gke-metadata-server-enabled": "true"]),
            PatchOperation(.replace, "/spec/headGroupSpec/template/spec/serviceAccountName", "a \"b\" \\ c\n"),
            PatchOperation(.remove, "/a~0b"),
        ])
        XCTAssertEqual(document, #"[{"op":"add","path":"/spec/headGroupSpec/template/spec/nodeSelector","value":{"iam.gke.io/gke-metadata-server-enabled":"true"}},"#
            + #"{"op":"replace","path":"/spec/headGroupSpec/template/spec/serviceAccountName","value":"a \"b\" \\ c\n"},"#
            + #"{"op":"remove","path":"/a~0b"}]"#)
        XCTAssertEqual(PatchOperation.pointer("a/b~c"), "a~1b~0c")
    }
}
