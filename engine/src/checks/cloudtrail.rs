//! CloudTrail checks: multi-region coverage with management events, log validation,
//! encryption, CloudWatch Logs delivery, and S3 object-level data events.

use super::{Check, CheckMeta, Outcome, Remediation, Severity, account_arn};
use crate::inventory::{CloudTrailInventory, EventSelectors, Inventory, Service, Trail};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) const CHECKS: &[Check] = &[
    Check {
        meta: CheckMeta {
            id: "cloudtrail_multi_region_management_events",
            title: "A multi-region trail is logging read and write management events",
            service: Service::CloudTrail,
            severity: Severity::High,
            rationale: "Without a trail that covers every region and records both read and write management events, API activity in an unused region (a favourite place for attackers to mine crypto) or reconnaissance calls leave no record for investigation.",
            remediation: Remediation {
                console: "CloudTrail → Trails → Create trail (or edit one): apply to all regions, management events Read and Write, then Start logging.",
                cli: "aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> --is-multi-region-trail && aws cloudtrail put-event-selectors --trail-name org-trail --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]' && aws cloudtrail start-logging --name org-trail",
            },
        },
        eval: multi_region_management_events,
    },
    Check {
        meta: CheckMeta {
            id: "cloudtrail_log_file_validation",
            title: "CloudTrail log file validation is enabled",
            service: Service::CloudTrail,
            severity: Severity::Medium,
            rationale: "Validation writes signed digest files, so anyone can prove later that delivered log files were not modified or deleted, which investigators and auditors rely on.",
            remediation: Remediation {
                console: "CloudTrail → Trails → the trail → General details → Edit → enable Log file validation.",
                cli: "aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
            },
        },
        eval: log_file_validation,
    },
    Check {
        meta: CheckMeta {
            id: "cloudtrail_kms_encryption",
            title: "CloudTrail logs are encrypted with a KMS key",
            service: Service::CloudTrail,
            severity: Severity::Medium,
            rationale: "SSE-KMS encryption of trail logs adds a second permission (kms:Decrypt on the key) before anyone can read them, and every use of the key is itself logged.",
            remediation: Remediation {
                console: "CloudTrail → Trails → the trail → General details → Edit → Log file SSE-KMS encryption: enable and pick a customer managed key whose policy lets CloudTrail encrypt.",
                cli: "aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>",
            },
        },
        eval: kms_encryption,
    },
    Check {
        meta: CheckMeta {
            id: "cloudtrail_cloudwatch_logs_delivery",
            title: "CloudTrail trails deliver to CloudWatch Logs",
            service: Service::CloudTrail,
            severity: Severity::Low,
            rationale: "Sending trail events to CloudWatch Logs enables real-time metric filters and alarms on sensitive activity (the CIS section 4 alarms depend on it) and near-term search.",
            remediation: Remediation {
                console: "CloudTrail → Trails → the trail → CloudWatch Logs → Edit → enable, choose a log group and an IAM role CloudTrail can assume.",
                cli: "aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>",
            },
        },
        eval: cloudwatch_logs_delivery,
    },
    Check {
        meta: CheckMeta {
            id: "cloudtrail_s3_object_write_events",
            title: "S3 object-level write events are logged",
            service: Service::CloudTrail,
            severity: Severity::Medium,
            rationale: "Management events do not show who put, overwrote or deleted an object. Object-level write data events are needed to investigate tampering or ransomware on S3 data.",
            remediation: Remediation {
                console: "CloudTrail → Trails → a multi-region trail → Data events → Edit → add S3, all current and future buckets, Write events.",
                cli: "aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{\"ReadWriteType\":\"WriteOnly\",\"IncludeManagementEvents\":true,\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3\"]}]}]'",
            },
        },
        eval: s3_write_events,
    },
    Check {
        meta: CheckMeta {
            id: "cloudtrail_s3_object_read_events",
            title: "S3 object-level read events are logged",
            service: Service::CloudTrail,
            severity: Severity::Low,
            rationale: "Without object-level read data events there is no record of who downloaded which object, so the scope of a data leak cannot be established.",
            remediation: Remediation {
                console: "CloudTrail → Trails → a multi-region trail → Data events → Edit → add S3, all current and future buckets, Read events.",
                cli: "aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{\"ReadWriteType\":\"ReadOnly\",\"IncludeManagementEvents\":true,\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3\"]}]}]'",
            },
        },
        eval: s3_read_events,
    },
];

const TRAIL: &str = "AwsCloudTrailTrail";

/// Read/write coverage of management events, from basic or advanced selectors.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Coverage {
    pub read: bool,
    pub write: bool,
}

impl Coverage {
    fn add(&mut self, rw: &str) {
        match rw {
            "ReadOnly" => self.read = true,
            "WriteOnly" => self.write = true,
            _ => {
                self.read = true;
                self.write = true;
            }
        }
    }
    pub(crate) fn both(self) -> bool {
        self.read && self.write
    }
}

/// Which read/write kinds an advanced selector's `readOnly` field lets through.
fn advanced_read_write(fields: &[crate::inventory::FieldSelector]) -> Coverage {
    match fields.iter().find(|f| f.field == "readOnly") {
        None => Coverage {
            read: true,
            write: true,
        },
        Some(f) => {
            let eq = |v: &str| f.equals.iter().any(|e| e.eq_ignore_ascii_case(v));
            let ne = |v: &str| f.not_equals.iter().any(|e| e.eq_ignore_ascii_case(v));
            if !f.equals.is_empty() {
                Coverage {
                    read: eq("true"),
                    write: eq("false"),
                }
            } else {
                Coverage {
                    read: !ne("true"),
                    write: !ne("false"),
                }
            }
        }
    }
}

fn field<'a>(
    fields: &'a [crate::inventory::FieldSelector],
    name: &str,
) -> Option<&'a crate::inventory::FieldSelector> {
    fields.iter().find(|f| f.field == name)
}

/// Management events recorded by a trail's selectors.
pub(crate) fn management_coverage(sel: &EventSelectors) -> Coverage {
    // A trail without any selector records what AWS records by default: all management
    // events, read and write (AWS itself reports that default selector).
    if sel.basic.is_empty() && sel.advanced.is_empty() {
        return Coverage {
            read: true,
            write: true,
        };
    }
    let mut c = Coverage::default();
    for s in &sel.basic {
        if s.include_management_events {
            c.add(&s.read_write_type);
        }
    }
    for a in &sel.advanced {
        let is_mgmt = field(&a.field_selectors, "eventCategory")
            .is_some_and(|f| f.equals.iter().any(|v| v == "Management"));
        if is_mgmt {
            let rw = advanced_read_write(&a.field_selectors);
            c.read |= rw.read;
            c.write |= rw.write;
        }
    }
    c
}

/// S3 object data events recorded for `bucket` (`None`: for every bucket).
pub(crate) fn s3_data_coverage(sel: &EventSelectors, bucket: Option<&str>) -> Coverage {
    let covers = |value: &str| {
        let v = value.trim_end_matches('/');
        v == "arn:aws:s3"
            || v == "arn:aws:s3:::"
            || v == "arn:aws:s3::"
            || bucket.is_some_and(|b| {
                let arn = format!("arn:aws:s3:::{b}");
                value == arn || value.starts_with(&format!("{arn}/"))
            })
    };
    let mut c = Coverage::default();
    for s in &sel.basic {
        if s.data_resources
            .iter()
            .any(|d| d.resource_type == "AWS::S3::Object" && d.values.iter().any(|v| covers(v)))
        {
            c.add(&s.read_write_type);
        }
    }
    for a in &sel.advanced {
        let f = &a.field_selectors;
        let data = field(f, "eventCategory").is_some_and(|f| f.equals.iter().any(|v| v == "Data"));
        let s3 = field(f, "resources.type")
            .is_some_and(|f| f.equals.iter().any(|v| v == "AWS::S3::Object"));
        let arn_ok = match field(f, "resources.ARN") {
            None => true,
            Some(arn) => {
                let listed = arn.equals.iter().chain(&arn.starts_with).any(|v| covers(v));
                let excluded = bucket.is_some_and(|b| {
                    arn.not_starts_with
                        .iter()
                        .chain(&arn.not_equals)
                        .any(|v| v.starts_with(&format!("arn:aws:s3:::{b}")))
                });
                (listed || (arn.equals.is_empty() && arn.starts_with.is_empty())) && !excluded
            }
        };
        if data && s3 && arn_ok {
            let rw = advanced_read_write(f);
            c.read |= rw.read;
            c.write |= rw.write;
        }
    }
    c
}

fn owned_trails<'a>(
    inv: &'a Inventory,
    ct: &'a CloudTrailInventory,
) -> impl Iterator<Item = &'a Trail> {
    let account = format!(":{}:", inv.account_id);
    ct.trails.iter().filter(move |t| t.arn.contains(&account))
}

fn trail_evidence(t: &Trail) -> serde_json::Value {
    json!({
        "trail": t.arn,
        "home_region": t.home_region,
        "is_multi_region_trail": t.multi_region,
        "is_organization_trail": t.organization,
        "is_logging": t.status.as_ref().ok().map(|s| s.is_logging),
        "log_file_validation": t.log_file_validation,
        "kms_key_id": t.kms_key_id,
        "cloudwatch_logs_log_group_arn": t.log_group_arn,
        "s3_bucket": t.s3_bucket,
    })
}

fn multi_region_management_events(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(ct) = &inv.cloudtrail else {
        return vec![];
    };
    let arn = account_arn(inv);
    let failed: Vec<_> = ct
        .regions
        .iter()
        .filter_map(|(r, res)| res.as_ref().err().map(|e| (r, e)))
        .collect();
    let mut reasons = Vec::new();
    let mut unreadable = None;
    for t in ct.trails.iter().filter(|t| t.multi_region) {
        match (&t.status, &t.selectors) {
            (Err(e), _) | (_, Err(e)) => unreadable = Some((t, e)),
            (Ok(status), Ok(sel)) => {
                let cov = management_coverage(sel);
                if status.is_logging && cov.both() {
                    return vec![
                        Outcome::pass("AwsAccount", arn, format!("multi-region trail `{}` is logging read and write management events", t.name))
                            .with_evidence(json!({"trail": trail_evidence(t), "management_events": {"read": cov.read, "write": cov.write}})),
                    ];
                }
                reasons.push(json!({"trail": t.name, "is_logging": status.is_logging, "management_read": cov.read, "management_write": cov.write}));
            }
        }
    }
    if let Some((t, e)) = unreadable {
        return vec![Outcome::error(
            "AwsAccount",
            arn,
            &format!("status or event selectors of trail `{}`", t.name),
            e,
        )];
    }
    if !failed.is_empty() && ct.trails.is_empty() {
        let (r, e) = failed[0];
        return vec![Outcome::error(
            "AwsAccount",
            arn,
            &format!("trails in `{r}` (and {} other regions)", failed.len() - 1),
            e,
        )];
    }
    let message = if reasons.is_empty() {
        "no multi-region trail exists: API activity in some regions is not recorded".to_owned()
    } else {
        "no multi-region trail is both logging and recording read and write management events"
            .to_owned()
    };
    vec![
        Outcome::fail("AwsAccount", arn, message)
            .with_evidence(json!({"multi_region_trails": reasons})),
    ]
}

fn per_trail(inv: &Inventory, pass: fn(&Trail) -> bool, ok: &str, bad: &str) -> Vec<Outcome> {
    let Some(ct) = &inv.cloudtrail else {
        return vec![];
    };
    owned_trails(inv, ct)
        .map(|t| {
            let passed = pass(t);
            let msg = if passed { ok } else { bad };
            Outcome::pass_if(passed, TRAIL, &t.arn, format!("trail `{}` {msg}", t.name))
                .in_region(&t.home_region)
                .with_evidence(trail_evidence(t))
        })
        .collect()
}

fn log_file_validation(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_trail(
        inv,
        |t| t.log_file_validation,
        "has log file validation enabled",
        "does not validate log files: tampering with delivered logs would go unnoticed",
    )
}

fn kms_encryption(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_trail(
        inv,
        |t| t.kms_key_id.is_some(),
        "encrypts its logs with a KMS key",
        "does not encrypt its logs with a KMS key (SSE-KMS)",
    )
}

fn cloudwatch_logs_delivery(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(ct) = &inv.cloudtrail else {
        return vec![];
    };
    owned_trails(inv, ct)
        .map(|t| {
            let ev = trail_evidence(t);
            let o = match (&t.log_group_arn, &t.status) {
                (None, _) => Outcome::fail(
                    TRAIL,
                    &t.arn,
                    format!("trail `{}` does not deliver to CloudWatch Logs", t.name),
                ),
                (Some(_), Err(e)) => {
                    Outcome::error(TRAIL, &t.arn, &format!("status of trail `{}`", t.name), e)
                }
                (Some(g), Ok(s)) => match &s.latest_cloudwatch_logs_delivery_error {
                    Some(err) => Outcome::fail(
                        TRAIL,
                        &t.arn,
                        format!("trail `{}` fails to deliver to `{g}`: {err}", t.name),
                    ),
                    None => Outcome::pass(
                        TRAIL,
                        &t.arn,
                        format!("trail `{}` delivers to `{g}`", t.name),
                    ),
                },
            };
            o.in_region(&t.home_region).with_evidence(ev)
        })
        .collect()
}

/// Data-event coverage by logging multi-region trails, per bucket when S3 was collected.
fn s3_events(inv: &Inventory, want_write: bool) -> Vec<Outcome> {
    let Some(ct) = &inv.cloudtrail else {
        return vec![];
    };
    let kind = if want_write { "write" } else { "read" };
    let mut unreadable = None;
    let trails: Vec<(&Trail, &EventSelectors)> = ct
        .trails
        .iter()
        .filter(|t| t.multi_region && t.status.as_ref().is_ok_and(|s| s.is_logging))
        .filter_map(|t| match &t.selectors {
            Ok(s) => Some((t, s)),
            Err(e) => {
                unreadable = Some((t, e));
                None
            }
        })
        .collect();
    let covering = |bucket: Option<&str>| {
        trails
            .iter()
            .find(|(_, s)| {
                let c = s3_data_coverage(s, bucket);
                if want_write { c.write } else { c.read }
            })
            .map(|(t, _)| t.name.clone())
    };
    let buckets = inv.s3.as_ref().and_then(|s| s.buckets.as_ref().ok());
    match buckets {
        Some(buckets) => buckets
            .iter()
            .map(|b| match covering(Some(&b.name)) {
                Some(trail) => Outcome::pass("AwsS3Bucket", &b.arn, format!("object-level {kind} events of `{}` are logged by trail `{trail}`", b.name))
                    .with_evidence(json!({"trail": trail})),
                None => match unreadable {
                    Some((t, e)) => Outcome::error("AwsS3Bucket", &b.arn, &format!("event selectors of trail `{}`", t.name), e),
                    None => Outcome::fail("AwsS3Bucket", &b.arn, format!("no logging multi-region trail records object-level {kind} events of `{}`", b.name)),
                },
            })
            .collect(),
        None => {
            let arn = account_arn(inv);
            vec![match (covering(None), unreadable) {
                (Some(trail), _) => Outcome::pass("AwsAccount", arn, format!("trail `{trail}` logs object-level {kind} events of all buckets")),
                (None, Some((t, e))) => Outcome::error("AwsAccount", arn, &format!("event selectors of trail `{}`", t.name), e),
                (None, None) => Outcome::fail("AwsAccount", arn, format!("no logging multi-region trail records object-level {kind} events of all S3 buckets")),
            }]
        }
    }
}

fn s3_write_events(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    s3_events(inv, true)
}

fn s3_read_events(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    s3_events(inv, false)
}

#[cfg(test)]
mod builder_inventory_tests {
    //! Cases on inventories built in tests; the moto-backed cases live in `tests/it`.
    use super::*;
    use crate::checks::{Status, find};
    use crate::inventory::{AdvancedEventSelector, FieldSelector};
    use crate::testing::{InventoryBuilder, access_denied, now};

    fn run(id: &str, inv: &Inventory) -> Vec<Outcome> {
        (find(id).unwrap().eval)(inv, now())
    }

    fn statuses(id: &str, inv: &Inventory) -> Vec<Status> {
        run(id, inv).into_iter().map(|o| o.status).collect()
    }

    #[test]
    fn compliant_account_passes_every_cloudtrail_check() {
        let inv = InventoryBuilder::new().build();
        for c in CHECKS {
            let out = run(c.meta.id, &inv);
            assert!(!out.is_empty(), "{}", c.meta.id);
            assert!(
                out.iter().all(|o| o.status == Status::Pass),
                "{}: {out:?}",
                c.meta.id
            );
        }
    }

    #[test]
    fn single_region_trail_does_not_cover_the_account() {
        let mut b = InventoryBuilder::new();
        b.trail().multi_region = false;
        assert_eq!(
            statuses("cloudtrail_multi_region_management_events", &b.build()),
            [Status::Fail]
        );
    }

    #[test]
    fn stopped_trail_does_not_count() {
        let mut b = InventoryBuilder::new();
        b.trail().status.as_mut().unwrap().is_logging = false;
        let out = run("cloudtrail_multi_region_management_events", &b.build());
        assert_eq!(out[0].status, Status::Fail);
        assert_eq!(
            out[0].evidence["multi_region_trails"][0]["is_logging"],
            false
        );
    }

    #[test]
    fn write_only_management_events_are_not_enough() {
        let mut b = InventoryBuilder::new();
        b.trail().selectors.as_mut().unwrap().basic[0].read_write_type = "WriteOnly".into();
        assert_eq!(
            statuses("cloudtrail_multi_region_management_events", &b.build()),
            [Status::Fail]
        );
    }

    #[test]
    fn advanced_selectors_for_management_events_count() {
        let mut b = InventoryBuilder::new();
        let sel = b.trail().selectors.as_mut().unwrap();
        sel.basic.clear();
        sel.advanced.push(AdvancedEventSelector {
            name: Some("mgmt".into()),
            field_selectors: vec![FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Management".into()],
                ..Default::default()
            }],
        });
        assert_eq!(
            statuses(
                "cloudtrail_multi_region_management_events",
                &b.clone().build()
            ),
            [Status::Pass]
        );
        // ...but not when restricted to read-only events.
        b.trail().selectors.as_mut().unwrap().advanced[0]
            .field_selectors
            .push(FieldSelector {
                field: "readOnly".into(),
                equals: vec!["true".into()],
                ..Default::default()
            });
        assert_eq!(
            statuses("cloudtrail_multi_region_management_events", &b.build()),
            [Status::Fail]
        );
    }

    #[test]
    fn trail_without_any_selector_records_the_default_management_events() {
        let mut b = InventoryBuilder::new();
        *b.trail().selectors.as_mut().unwrap() = EventSelectors::default();
        assert_eq!(
            statuses(
                "cloudtrail_multi_region_management_events",
                &b.clone().build()
            ),
            [Status::Pass]
        );
        // ...but no data events.
        assert!(
            statuses("cloudtrail_s3_object_read_events", &b.build())
                .iter()
                .all(|s| *s == Status::Fail)
        );
    }

    #[test]
    fn unreadable_trail_status_is_an_error_not_a_pass() {
        let mut b = InventoryBuilder::new();
        b.trail().status = Err(access_denied());
        assert_eq!(
            statuses("cloudtrail_multi_region_management_events", &b.build()),
            [Status::Error]
        );
    }

    #[test]
    fn no_trails_anywhere_fails_and_denied_listing_errors() {
        let mut b = InventoryBuilder::new();
        b.cloudtrail().trails.clear();
        assert_eq!(
            statuses(
                "cloudtrail_multi_region_management_events",
                &b.clone().build()
            ),
            [Status::Fail]
        );
        for r in b.cloudtrail().regions.values_mut() {
            *r = Err(access_denied());
        }
        assert_eq!(
            statuses("cloudtrail_multi_region_management_events", &b.build()),
            [Status::Error]
        );
    }

    #[test]
    fn trail_without_validation_fails() {
        let mut b = InventoryBuilder::new();
        b.trail().log_file_validation = false;
        assert_eq!(
            statuses("cloudtrail_log_file_validation", &b.build()),
            [Status::Fail]
        );
    }

    #[test]
    fn trail_without_kms_key_fails() {
        let mut b = InventoryBuilder::new();
        b.trail().kms_key_id = None;
        assert_eq!(
            statuses("cloudtrail_kms_encryption", &b.build()),
            [Status::Fail]
        );
    }

    #[test]
    fn trail_without_log_group_or_with_delivery_errors_fails() {
        let mut b = InventoryBuilder::new();
        b.trail()
            .status
            .as_mut()
            .unwrap()
            .latest_cloudwatch_logs_delivery_error = Some("AccessDenied".into());
        assert_eq!(
            statuses("cloudtrail_cloudwatch_logs_delivery", &b.clone().build()),
            [Status::Fail]
        );
        b.trail().log_group_arn = None;
        assert_eq!(
            statuses("cloudtrail_cloudwatch_logs_delivery", &b.build()),
            [Status::Fail]
        );
    }

    #[test]
    fn trails_of_other_accounts_are_not_judged_here() {
        let mut b = InventoryBuilder::new();
        b.trail().arn = "arn:aws:cloudtrail:us-east-1:999999999999:trail/org".into();
        assert!(run("cloudtrail_log_file_validation", &b.build()).is_empty());
    }

    #[test]
    fn write_only_data_selector_logs_writes_but_not_reads() {
        let mut b = InventoryBuilder::new();
        b.trail().selectors.as_mut().unwrap().basic[0].read_write_type = "WriteOnly".into();
        let inv = b.build();
        assert!(
            statuses("cloudtrail_s3_object_write_events", &inv)
                .iter()
                .all(|s| *s == Status::Pass)
        );
        assert!(
            statuses("cloudtrail_s3_object_read_events", &inv)
                .iter()
                .all(|s| *s == Status::Fail)
        );
    }

    #[test]
    fn data_events_for_one_bucket_cover_only_that_bucket() {
        let mut b = InventoryBuilder::new();
        b.bucket("payments-data");
        b.trail().selectors.as_mut().unwrap().basic[0].data_resources[0].values =
            vec!["arn:aws:s3:::payments-data/".into()];
        let out = run("cloudtrail_s3_object_read_events", &b.build());
        let by_bucket: Vec<(&str, Status)> = out
            .iter()
            .map(|o| (o.resource_arn.as_str(), o.status))
            .collect();
        assert!(by_bucket.contains(&("arn:aws:s3:::payments-data", Status::Pass)));
        assert!(by_bucket.contains(&("arn:aws:s3:::org-config-logs", Status::Fail)));
    }

    #[test]
    fn advanced_data_selector_for_all_buckets_counts() {
        let mut b = InventoryBuilder::new();
        let sel = b.trail().selectors.as_mut().unwrap();
        sel.basic[0].data_resources.clear();
        sel.advanced.push(AdvancedEventSelector {
            name: Some("s3-data".into()),
            field_selectors: vec![
                FieldSelector {
                    field: "eventCategory".into(),
                    equals: vec!["Data".into()],
                    ..Default::default()
                },
                FieldSelector {
                    field: "resources.type".into(),
                    equals: vec!["AWS::S3::Object".into()],
                    ..Default::default()
                },
                FieldSelector {
                    field: "readOnly".into(),
                    equals: vec!["false".into()],
                    ..Default::default()
                },
            ],
        });
        let inv = b.build();
        assert!(
            statuses("cloudtrail_s3_object_write_events", &inv)
                .iter()
                .all(|s| *s == Status::Pass)
        );
        assert!(
            statuses("cloudtrail_s3_object_read_events", &inv)
                .iter()
                .all(|s| *s == Status::Fail)
        );
    }

    #[test]
    fn without_data_events_every_bucket_fails() {
        let mut b = InventoryBuilder::new();
        b.trail().selectors.as_mut().unwrap().basic[0]
            .data_resources
            .clear();
        let out = statuses("cloudtrail_s3_object_write_events", &b.build());
        assert!(!out.is_empty() && out.iter().all(|s| *s == Status::Fail));
    }
}
