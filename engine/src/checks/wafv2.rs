//! AWS WAF (v2) web ACLs: checks. Each one judges every web ACL, regional and CloudFront.
//!
//! The resources a web ACL protects (`ListResourcesForWebACL`) are evidence only: when they
//! could not be listed, the verdicts on the web ACL itself still stand.

use super::{Check, Outcome, not_collected};
use crate::inventory::{Fetched, Inventory, WafRule, WebAcl, WebAclDetail};
use crate::types::Region;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub(super) const CHECKS: &[Check] = &[
    check!(
        Wafv2,
        "waf_web_acl_has_rules",
        "WAF web ACLs have at least one rule or rule group",
        Medium,
        "A web ACL without rules inspects nothing: every request falls through to its default action (usually Allow), while the resources it is attached to look protected.",
        "WAF & Shield → Web ACLs → the web ACL → Rules → Add rules → Add managed rule groups (e.g. AWS managed rules: Core rule set, SQL database) → Save.",
        "aws wafv2 update-web-acl --scope REGIONAL --name <name> --id <id> --lock-token <token> --default-action Allow={} --visibility-config SampledRequestsEnabled=true,CloudWatchMetricsEnabled=true,MetricName=<name> --rules file://rules.json",
        has_rules
    ),
    check!(
        Wafv2,
        "waf_web_acl_blocks_common_attacks",
        "WAF web ACLs block SQL injection and cross-site scripting",
        Medium,
        "SQL injection and cross-site scripting are the most common attacks on web applications. A web ACL should enforce (not only count) rules against both: the AWS managed rule groups AWSManagedRulesSQLiRuleSet (SQL injection) and AWSManagedRulesCommonRuleSet (which includes the cross-site scripting rules), or custom rules with SqliMatch / XssMatch statements that block. Rules in custom rule groups are not inspected by this check.",
        "WAF & Shield → Web ACLs → the web ACL → Rules → Add rules → Add managed rule groups → AWS managed rule groups: enable Core rule set and SQL database → Save; leave their override action at None (not Count) once tuned.",
        "aws wafv2 update-web-acl --scope REGIONAL --name <name> --id <id> --lock-token <token> --default-action Allow={} --visibility-config SampledRequestsEnabled=true,CloudWatchMetricsEnabled=true,MetricName=<name> --rules file://rules.json   # rules.json with ManagedRuleGroupStatement {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet} and {VendorName: AWS, Name: AWSManagedRulesSQLiRuleSet}, OverrideAction None",
        blocks_common_attacks
    ),
    check!(
        Wafv2,
        "waf_web_acl_logging_enabled",
        "WAF web ACLs log the traffic they inspect",
        Medium,
        "Without web ACL logs there is no record of which requests were blocked, allowed or counted and why: attacks cannot be investigated and false positives cannot be tuned. (Security Hub's WAF.11 control checks the same, but it belongs to its NIST and PCI standards, not to FSBP.)",
        "WAF & Shield → Web ACLs → the web ACL → Logging and metrics → Enable → choose a CloudWatch Logs log group, S3 bucket or Firehose stream whose name starts with `aws-waf-logs-` → Save.",
        "aws wafv2 put-logging-configuration --logging-configuration ResourceArn=<web-acl-arn>,LogDestinationConfigs=arn:aws:logs:<region>:<account>:log-group:aws-waf-logs-<name>",
        logging_enabled
    ),
    check!(
        Wafv2,
        "waf_rules_have_cloudwatch_metrics",
        "WAF web ACL rules and rule groups publish CloudWatch metrics",
        Low,
        "CloudWatch metrics per rule show which rules match and how many requests they block or allow; without them an attack in progress, or a rule that silently stopped matching, goes unnoticed.",
        "WAF & Shield → Web ACLs → the web ACL → Rules → edit each rule → Visibility configuration: enable CloudWatch metrics → Save.",
        "aws wafv2 update-web-acl --scope REGIONAL --name <name> --id <id> --lock-token <token> --default-action Allow={} --visibility-config SampledRequestsEnabled=true,CloudWatchMetricsEnabled=true,MetricName=<name> --rules file://rules.json   # each rule with VisibilityConfig.CloudWatchMetricsEnabled=true",
        rules_have_metrics
    ),
];

const WEB_ACL: &str = "AwsWafv2WebAcl";

/// Judges every web ACL with `judge`; lists that could not be read become `ERROR`s.
fn each_acl(inv: &Inventory, judge: impl Fn(&WebAcl) -> Outcome) -> Vec<Outcome> {
    let Some(waf) = &inv.wafv2 else {
        return vec![not_collected(
            WEB_ACL,
            format!("arn:{}:wafv2:::{}", inv.partition, inv.account_id),
            "AWS WAF",
        )];
    };
    let mut out = Vec::new();
    let mut judge_all = |acls: &Fetched<Vec<WebAcl>>, region: Option<&Region>, what: &str| {
        let found = match acls {
            Ok(acls) => acls.iter().map(&judge).collect(),
            Err(e) => {
                let scope = region.map_or("global".to_owned(), Region::to_string);
                vec![Outcome::error(
                    WEB_ACL,
                    format!("arn:{}:wafv2:{scope}:{}", inv.partition, inv.account_id),
                    what,
                    e,
                )]
            }
        };
        out.extend(found.into_iter().map(|o| match region {
            Some(r) => o.in_region(r),
            None => o,
        }));
    };
    for (region, acls) in &waf.regional {
        judge_all(acls, Some(region), "the regional web ACLs");
    }
    judge_all(&waf.cloudfront, None, "the CloudFront web ACLs");
    out
}

/// The part of the evidence every verdict carries: scope and protected resources.
fn base_evidence(acl: &WebAcl) -> Value {
    let associated = match &acl.associated_resources {
        None => Value::Null,
        Some(Ok(arns)) => json!(arns),
        Some(Err(e)) => json!({"not_listed": e.to_string()}),
    };
    json!({"scope": acl.scope, "name": acl.name, "associated_resources": associated})
}

fn with_detail(acl: &WebAcl, judge: impl Fn(&WebAclDetail) -> (bool, String, Value)) -> Outcome {
    match &acl.detail {
        Err(e) => Outcome::error(WEB_ACL, &acl.arn, "the web ACL's rules", e),
        Ok(d) => {
            let (ok, message, extra) = judge(d);
            let mut evidence = base_evidence(acl);
            if let (Value::Object(e), Value::Object(x)) = (&mut evidence, extra) {
                e.extend(x);
            }
            Outcome::pass_if(ok, WEB_ACL, &acl.arn, message).with_evidence(evidence)
        }
    }
}

fn rule_names(rules: &[&WafRule]) -> Vec<String> {
    rules.iter().map(|r| r.name.clone()).collect()
}

fn has_rules(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_acl(inv, |acl| {
        with_detail(acl, |d| {
            let n = d.rules.len();
            let msg = if n == 0 {
                format!(
                    "the web ACL has no rules: every request gets its default action ({})",
                    d.default_action
                )
            } else {
                format!("the web ACL has {n} rule(s) or rule group(s)")
            };
            (
                n > 0,
                msg,
                json!({"rules": d.rules.iter().map(|r| &r.name).collect::<Vec<_>>(), "default_action": d.default_action}),
            )
        })
    })
}

const AWS_COMMON: &str = "AWSManagedRulesCommonRuleSet";
const AWS_SQLI: &str = "AWSManagedRulesSQLiRuleSet";

/// Whether the rule acts on what it matches: a custom rule that blocks (or challenges), or a
/// rule group whose rules are not all overridden to `Count`.
fn enforces(r: &WafRule) -> bool {
    match &r.action {
        Some(a) => matches!(a.as_str(), "Block" | "Captcha" | "Challenge"),
        None => r.override_action.as_deref() != Some("Count"),
    }
}

fn runs_aws_group(r: &WafRule, name: &str) -> bool {
    r.managed_rule_groups
        .iter()
        .any(|g| g.vendor == "AWS" && g.name == name)
}

fn blocks_common_attacks(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_acl(inv, |acl| {
        with_detail(acl, |d| {
            let sqli = |r: &&WafRule| {
                runs_aws_group(r, AWS_SQLI) || r.statement_kinds.iter().any(|k| k == "SqliMatch")
            };
            let xss = |r: &&WafRule| {
                runs_aws_group(r, AWS_COMMON) || r.statement_kinds.iter().any(|k| k == "XssMatch")
            };
            let sqli_rules: Vec<&WafRule> = d.rules.iter().filter(sqli).collect();
            let xss_rules: Vec<&WafRule> = d.rules.iter().filter(xss).collect();
            let blocks_sqli = sqli_rules.iter().any(|r| enforces(r));
            let blocks_xss = xss_rules.iter().any(|r| enforces(r));
            let describe = |what: &str, found: &[&WafRule], blocks: bool| {
                if blocks {
                    None
                } else if found.is_empty() {
                    Some(format!("no rule against {what}"))
                } else {
                    Some(format!(
                        "the rules against {what} ({}) only count matches",
                        rule_names(found).join(", ")
                    ))
                }
            };
            let gaps: Vec<String> = [
                describe("SQL injection", &sqli_rules, blocks_sqli),
                describe("cross-site scripting", &xss_rules, blocks_xss),
            ]
            .into_iter()
            .flatten()
            .collect();
            let msg = if gaps.is_empty() {
                "the web ACL blocks SQL injection and cross-site scripting".to_owned()
            } else {
                format!("the web ACL has {}", gaps.join("; "))
            };
            (
                gaps.is_empty(),
                msg,
                json!({"sqli_rules": rule_names(&sqli_rules), "xss_rules": rule_names(&xss_rules)}),
            )
        })
    })
}

fn logging_enabled(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_acl(inv, |acl| {
        let evidence = base_evidence(acl);
        match &acl.logging {
            Err(e) => Outcome::error(WEB_ACL, &acl.arn, "the web ACL's logging configuration", e),
            Ok(None) => Outcome::fail(WEB_ACL, &acl.arn, "the web ACL does not log its traffic")
                .with_evidence(evidence),
            Ok(Some(l)) if l.destinations.is_empty() => Outcome::fail(
                WEB_ACL,
                &acl.arn,
                "the web ACL's logging configuration has no destination",
            )
            .with_evidence(evidence),
            Ok(Some(l)) => Outcome::pass(
                WEB_ACL,
                &acl.arn,
                format!("the web ACL logs to {}", l.destinations.join(", ")),
            )
            .with_evidence(json!({"destinations": l.destinations, "scope": acl.scope})),
        }
    })
}

fn rules_have_metrics(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_acl(inv, |acl| {
        with_detail(acl, |d| {
            let without: Vec<&WafRule> = d.rules.iter().filter(|r| !r.cloudwatch_metrics).collect();
            let msg = if d.rules.is_empty() {
                "the web ACL has no rules to measure".to_owned()
            } else if without.is_empty() {
                format!("all {} rule(s) publish CloudWatch metrics", d.rules.len())
            } else {
                format!(
                    "{} of {} rule(s) publish no CloudWatch metrics: {}",
                    without.len(),
                    d.rules.len(),
                    rule_names(&without).join(", ")
                )
            };
            (
                without.is_empty(),
                msg,
                json!({"rules_without_metrics": rule_names(&without), "web_acl_metrics": d.cloudwatch_metrics}),
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::inventory::{ManagedRuleGroup, WafInventory, WafLogging, WafScope};
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, now};

    fn managed(name: &str, group: &str, override_action: &str) -> WafRule {
        WafRule {
            name: name.to_owned(),
            priority: 0,
            statement: "ManagedRuleGroup".to_owned(),
            statement_kinds: vec!["ManagedRuleGroup".to_owned()],
            managed_rule_groups: vec![ManagedRuleGroup {
                vendor: "AWS".to_owned(),
                name: group.to_owned(),
            }],
            action: None,
            override_action: Some(override_action.to_owned()),
            cloudwatch_metrics: true,
            firewall_manager: false,
        }
    }

    fn custom(name: &str, kinds: &[&str], action: &str) -> WafRule {
        WafRule {
            name: name.to_owned(),
            priority: 1,
            statement: kinds[0].to_owned(),
            statement_kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
            managed_rule_groups: Vec::new(),
            action: Some(action.to_owned()),
            override_action: None,
            cloudwatch_metrics: true,
            firewall_manager: false,
        }
    }

    fn acl(name: &str, rules: Vec<WafRule>) -> WebAcl {
        WebAcl {
            arn: format!("arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/{name}/id-{name}"),
            name: name.to_owned(),
            id: format!("id-{name}"),
            scope: WafScope::Regional,
            detail: Ok(WebAclDetail {
                default_action: "Allow".to_owned(),
                rules,
                cloudwatch_metrics: true,
            }),
            logging: Ok(None),
            associated_resources: Some(Err(access_denied())),
        }
    }

    fn inventory(regional: Fetched<Vec<WebAcl>>, cloudfront: Fetched<Vec<WebAcl>>) -> Inventory {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().wafv2 = Some(WafInventory {
            regional: [(home, regional)].into_iter().collect(),
            cloudfront,
        });
        b.build()
    }

    fn with_acls(acls: Vec<WebAcl>) -> Inventory {
        inventory(Ok(acls), Ok(Vec::new()))
    }

    fn status(out: &[Outcome], name: &str) -> Status {
        let found: Vec<&Outcome> = out
            .iter()
            .filter(|o| o.resource_arn.contains(&format!("/{name}/")))
            .collect();
        assert_eq!(found.len(), 1, "{name}: {out:#?}");
        found[0].status
    }

    #[test]
    fn an_empty_web_acl_fails_and_one_with_a_rule_passes() {
        let inv = with_acls(vec![
            acl("empty", vec![]),
            acl("ruled", vec![managed("crs", AWS_COMMON, "None")]),
        ]);
        let out = has_rules(&inv, now());
        assert_eq!(status(&out, "empty"), Status::Fail);
        assert_eq!(status(&out, "ruled"), Status::Pass);
        assert!(out.iter().all(|o| o.region.is_some()));
    }

    #[test]
    fn common_attack_protection_needs_both_sqli_and_xss_rules_that_enforce() {
        let inv = with_acls(vec![
            acl(
                "managed",
                vec![
                    managed("crs", AWS_COMMON, "None"),
                    managed("sqli", AWS_SQLI, "None"),
                ],
            ),
            acl(
                "custom",
                vec![
                    custom("sqli", &["Or", "SqliMatch", "ByteMatch"], "Block"),
                    custom("xss", &["XssMatch"], "Challenge"),
                ],
            ),
            acl("xss-only", vec![managed("crs", AWS_COMMON, "None")]),
            acl(
                "counting",
                vec![
                    managed("crs", AWS_COMMON, "Count"),
                    managed("sqli", AWS_SQLI, "None"),
                ],
            ),
            acl("allowing", vec![custom("sqli", &["SqliMatch"], "Allow")]),
            acl("empty", vec![]),
        ]);
        let out = blocks_common_attacks(&inv, now());
        assert_eq!(status(&out, "managed"), Status::Pass);
        assert_eq!(status(&out, "custom"), Status::Pass);
        assert_eq!(status(&out, "xss-only"), Status::Fail);
        assert_eq!(status(&out, "counting"), Status::Fail);
        assert_eq!(status(&out, "allowing"), Status::Fail);
        assert_eq!(status(&out, "empty"), Status::Fail);
        let counting = out
            .iter()
            .find(|o| o.resource_arn.contains("/counting/"))
            .unwrap();
        assert!(
            counting.message.contains("only count matches"),
            "{}",
            counting.message
        );
        let xss_only = out
            .iter()
            .find(|o| o.resource_arn.contains("/xss-only/"))
            .unwrap();
        assert!(
            xss_only.message.contains("no rule against SQL injection"),
            "{}",
            xss_only.message
        );
    }

    #[test]
    fn a_third_party_rule_group_with_an_aws_name_does_not_count() {
        let mut rule = managed("lookalike", AWS_SQLI, "None");
        rule.managed_rule_groups[0].vendor = "SomeVendor".to_owned();
        let inv = with_acls(vec![acl(
            "vendor",
            vec![rule, managed("crs", AWS_COMMON, "None")],
        )]);
        assert_eq!(
            status(&blocks_common_attacks(&inv, now()), "vendor"),
            Status::Fail
        );
    }

    #[test]
    fn logging_passes_with_a_destination_and_fails_without() {
        let mut logged = acl("logged", vec![]);
        logged.logging = Ok(Some(WafLogging {
            destinations: vec![format!(
                "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-waf-logs-app"
            )],
        }));
        let mut no_destination = acl("no-destination", vec![]);
        no_destination.logging = Ok(Some(WafLogging {
            destinations: vec![],
        }));
        let inv = with_acls(vec![logged, no_destination, acl("silent", vec![])]);
        let out = logging_enabled(&inv, now());
        assert_eq!(status(&out, "logged"), Status::Pass);
        assert_eq!(status(&out, "no-destination"), Status::Fail);
        assert_eq!(status(&out, "silent"), Status::Fail);
    }

    #[test]
    fn rules_without_metrics_fail_and_are_named() {
        let mut quiet = custom("quiet-rule", &["GeoMatch"], "Block");
        quiet.cloudwatch_metrics = false;
        let inv = with_acls(vec![
            acl("measured", vec![managed("crs", AWS_COMMON, "None")]),
            acl("quiet", vec![managed("crs", AWS_COMMON, "None"), quiet]),
        ]);
        let out = rules_have_metrics(&inv, now());
        assert_eq!(status(&out, "measured"), Status::Pass);
        assert_eq!(status(&out, "quiet"), Status::Fail);
        let quiet = out
            .iter()
            .find(|o| o.resource_arn.contains("/quiet/"))
            .unwrap();
        assert!(quiet.message.contains("quiet-rule"), "{}", quiet.message);
    }

    #[test]
    fn unreadable_web_acls_and_lists_are_errors_in_every_check() {
        let mut unreadable = acl("unreadable", vec![]);
        unreadable.detail = Err(access_denied());
        unreadable.logging = Err(access_denied());
        let inv = inventory(Ok(vec![unreadable]), Err(access_denied()));
        for check in CHECKS {
            let out = (check.eval)(&inv, now());
            assert_eq!(out.len(), 2, "{}: {out:#?}", check.meta.id);
            assert!(
                out.iter().all(|o| o.status == Status::Error),
                "{}: {out:#?}",
                check.meta.id
            );
            // The CloudFront list is global: its error carries no region.
            assert!(out.iter().any(|o| o.region.is_none()), "{}", check.meta.id);
        }
    }

    #[test]
    fn unlisted_associated_resources_do_not_change_the_verdicts() {
        let mut listed = acl("listed", vec![managed("crs", AWS_COMMON, "None")]);
        listed.associated_resources = Some(Ok(vec![format!(
            "arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web/1"
        )]));
        let unlisted = acl("unlisted", vec![managed("crs", AWS_COMMON, "None")]);
        let inv = with_acls(vec![listed, unlisted]);
        let out = has_rules(&inv, now());
        assert_eq!(status(&out, "listed"), Status::Pass);
        assert_eq!(status(&out, "unlisted"), Status::Pass);
        let unlisted = out
            .iter()
            .find(|o| o.resource_arn.contains("/unlisted/"))
            .unwrap();
        assert!(unlisted.evidence["associated_resources"]["not_listed"].is_string());
    }

    #[test]
    fn waf_not_scanned_is_reported_not_passed() {
        let out = has_rules(&InventoryBuilder::new().build(), now());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Error);
    }
}
