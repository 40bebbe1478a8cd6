import SetupPlan

/// Billing, the account's roles on the project, and the organisation policies that can refuse the plan.
extension Preflight {
    static let billingCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let title = "Billing"
        guard let result = f.results[ReadID.billing] else { return nil }
        guard result.succeeded else {
            return f.unreadable(.billing, title, read: ReadID.billing,
                                advice: "If billing is off, enabling the APIs (the run's first change) fails and says so.")
        }
        guard let enabled = f.json(ReadID.billing)?["billingEnabled"].bool else {
            return f.unreadable(.billing, title, read: ReadID.billing, why: "the answer has no billingEnabled")
        }
        let p = f.answers.project
        if enabled {
            let account = f.json(ReadID.billing)?["billingAccountName"].string ?? "a billing account"
            return Check(id: .billing, title: title, status: .ok, evidence: ["\(p) is billed to \(account)"])
        }
        return Check(id: .billing, title: title, status: .broken, evidence: ["\(p): billingEnabled is false"],
                     fix: [["gcloud", "billing", "projects", "link", p, "--billing-account", "ACCOUNT_ID"]],
                     advice: "Without billing no API can be enabled and nothing can be created; ACCOUNT_ID is one of "
                        + "`gcloud billing accounts list`.")
    }

    /// What the plan does that needs a permission, and the predefined roles that grant it.
    struct RoleNeed {
        var permission: String
        var purpose: String
        var roles: [String]
    }

    /// What the account must be allowed to do for these answers.
    var roleNeeds: [RoleNeed] {
        let a = answers
        let owner = "roles/owner", editor = "roles/editor"
        var needs = [RoleNeed(permission: "serviceusage.services.enable", purpose: "enable the APIs",
                              roles: [owner, editor, "roles/serviceusage.serviceUsageAdmin"])]
        let clusterRoles = [owner, editor, "roles/container.admin", "roles/container.clusterAdmin"]
        if a.cluster.mode == .existing {
            needs.append(RoleNeed(permission: "container.clusters.update", purpose: "change the cluster", roles: clusterRoles))
        } else {
            needs.append(RoleNeed(permission: "container.clusters.create", purpose: "create the cluster", roles: clusterRoles))
        }
        if a.identity.mode == .iamServiceAccount {
            needs.append(RoleNeed(permission: "iam.serviceAccounts.create", purpose: "create the IAM service account",
                                  roles: [owner, editor, "roles/iam.serviceAccountAdmin"]))
            needs.append(RoleNeed(permission: "iam.serviceAccounts.setIamPolicy", purpose: "let the KSA act as it",
                                  roles: [owner, "roles/iam.serviceAccountAdmin", "roles/iam.securityAdmin"]))
        }
        if a.bucket.create {
            needs.append(RoleNeed(permission: "storage.buckets.create", purpose: "create the bucket",
                                  roles: [owner, editor, "roles/storage.admin"]))
        }
        needs.append(RoleNeed(permission: "storage.buckets.setIamPolicy", purpose: "grant the bucket role",
                              roles: [owner, editor, "roles/storage.admin"]))
        return needs
    }

    static let rolesCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let title = "Your roles on the project"
        guard let accountRead = f.results[ReadID.account], f.results[ReadID.iamPolicy] != nil else { return nil }
        let account = accountRead.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard accountRead.succeeded, !account.isEmpty, account != "(unset)" else {
            return f.unreadable(.roles, title, read: ReadID.account, why: "no active gcloud account")
        }
        guard let policy = f.json(ReadID.iamPolicy), policy.raw is [String: Any] else {
            return f.unreadable(.roles, title, read: ReadID.iamPolicy)
        }
        let members: Set<String> = ["user:\(account)", "serviceAccount:\(account)"]
        var held: [String] = []
        for binding in policy["bindings"].array where binding["members"].array.contains(where: { members.contains($0.string ?? "") }) {
            if let role = binding["role"].string, !held.contains(role) { held.append(role) }
        }
        let missing = f.preflight.roleNeeds.filter { need in !need.roles.contains(where: held.contains) }
        let holds = "\(account) holds " + (held.isEmpty ? "no role on \(f.answers.project)" : held.joined(separator: ", "))
        guard !missing.isEmpty else { return Check(id: .roles, title: title, status: .ok, evidence: [holds]) }
        let member = account.hasSuffix(".gserviceaccount.com") ? "serviceAccount:\(account)" : "user:\(account)"
        // The narrowest role that grants each: the first that is not a basic role.
        let fix = missing.compactMap { $0.roles.first { !$0.hasPrefix("roles/owner") && $0 != "roles/editor" } }.uniqued().map {
            ["gcloud", "projects", "add-iam-policy-binding", f.answers.project, "--member", member, "--role", $0]
        }
        // Roles can come through a group or the folder and organisation, which the project's policy does not show.
        return Check(id: .roles, title: title, status: .warning,
                     evidence: [holds] + missing.map { "to \($0.purpose) (\($0.permission)): none of \($0.roles.joined(separator: ", "))" },
                     fix: fix,
                     advice: "Roles granted through a group or a folder do not show here; if the run is refused, someone who "
                        + "administers the project runs the fix.")
    }

    static let orgPolicyCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let a = f.answers
        let direct = a.identity.mode == .direct
        let title = "Organisation policies on the Workload Identity member"
        guard let domains = f.results[ReadID.memberDomains], let managed = f.results[ReadID.managedMembers] else { return nil }
        guard domains.succeeded || managed.succeeded else {
            return f.unreadable(.orgPolicy, title, read: domains.succeeded ? ReadID.managedMembers : ReadID.memberDomains)
        }
        // What the plan grants a role to, and on what.
        let member = direct ? "the KSA's principal:// on the bucket" : "\(f.preflight.commands.workloadIdentityUserMember) on the IAM service account"
        var evidence: [String] = []
        if let rules = f.json(ReadID.memberDomains)?["spec"]["rules"].array {
            for rule in rules {
                let allowed = rule["values"]["allowedValues"].array.compactMap(\.string)
                if !allowed.isEmpty && rule["allowAll"].bool != true {
                    evidence.append("\(OrgPolicy.memberDomains) allows members of \(allowed.joined(separator: ", ")) only")
                }
            }
        }
        if let rules = f.json(ReadID.managedMembers)?["spec"]["rules"].array {
            for rule in rules where rule["enforce"].bool == true {
                let parameters = rule["parameters"]
                let sets = parameters["allowedPrincipalSets"].array.compactMap(\.string)
                let subjects = parameters["allowedMemberSubjects"].array.compactMap(\.string)
                let allowed = sets.contains { $0.contains(a.workloadPool) }
                    || (!direct && subjects.contains(f.preflight.commands.workloadIdentityUserMember))
                if !allowed { evidence.append("\(OrgPolicy.managedMembers) is enforced and does not allow \(a.workloadPool)'s members") }
            }
        }
        let unread = [(ReadID.memberDomains, domains), (ReadID.managedMembers, managed)].filter { !$0.1.succeeded }
        let unreadLines = unread.map { "could not read: \(f.command($0.0)) (\($0.1.errorLine))" }
        if evidence.isEmpty {
            return Check(id: .orgPolicy, title: title, status: unread.isEmpty ? .ok : .warning,
                         evidence: ["no constraint limits who may be granted a role"] + unreadLines)
        }
        return Check(id: .orgPolicy, title: title, status: .warning, evidence: evidence + unreadLines,
                     advice: "The grant to \(member) may be refused (a policy violation); an organisation policy "
                        + "administrator can allow the workload pool \(a.workloadPool).")
    }
}
