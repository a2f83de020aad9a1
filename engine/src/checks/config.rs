//! AWS Config checks: a recorder recording all resource types in every region, global
//! resource types recorded somewhere, and a delivery channel.

use super::{Check, CheckMeta, Outcome, Remediation, Severity, account_arn};
use crate::inventory::{Inventory, Service};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) const CHECKS: &[Check] = &[Check {
    meta: CheckMeta {
        id: "config_recorder_all_regions",
        title: "AWS Config records all resource types in every region",
        service: Service::Config,
        severity: Severity::Medium,
        rationale: "AWS Config keeps the configuration history of resources and their relationships. Without a recorder in a region, changes there (a security group opened, a bucket made public) leave no history for investigation or compliance evidence.",
        remediation: Remediation {
            console: "AWS Config → Settings (in each region) → Recording strategy: all resource types, include globally recorded types in one region → choose a delivery bucket → Start recording.",
            cli: "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=arn:aws:iam::<account>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig --recording-group allSupported=true,includeGlobalResourceTypes=true && aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket> && aws configservice start-configuration-recorder --configuration-recorder-name default",
        },
    },
    eval: recorder_all_regions,
}];

fn recorder_all_regions(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(config) = &inv.config else {
        return vec![];
    };
    let arn = account_arn(inv);
    let global_somewhere = config
        .values()
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| &r.recorders)
        .any(|rec| rec.recording && rec.all_supported && rec.include_global_resource_types);
    let mut outcomes = Vec::new();
    let mut first_good = true;
    for (region, data) in config {
        let o = match data {
            Err(e) => Outcome::error(
                "AwsConfigConfigurationRecorder",
                &arn,
                &format!("AWS Config in `{region}`"),
                e,
            ),
            Ok(data) => {
                let rec = data.recorders.first();
                let evidence = json!({
                    "recorders": data.recorders,
                    "delivery_channels": data.delivery_channels,
                });
                let problem = match rec {
                    None => Some("has no configuration recorder".to_owned()),
                    Some(r) if !r.recording => {
                        Some(format!("has recorder `{}` but it is stopped", r.name))
                    }
                    Some(r) if !r.all_supported => Some(format!(
                        "records only {} selected resource types",
                        r.resource_types.len()
                    )),
                    Some(r) if r.last_status.as_deref() == Some("FAILURE") => Some(format!(
                        "has recorder `{}` whose last recording failed ({})",
                        r.name,
                        r.last_error_code.as_deref().unwrap_or("unknown error")
                    )),
                    Some(_) if data.delivery_channels.is_empty() => {
                        Some("has no delivery channel".to_owned())
                    }
                    Some(_) if !global_somewhere && first_good => {
                        first_good = false;
                        Some("records regional resources, but no region records global resource types (IAM)".to_owned())
                    }
                    Some(_) => None,
                };
                let rec_arn = rec
                    .map(|r| {
                        format!(
                            "arn:{}:config:{region}:{}:config-recorder/{}",
                            inv.partition, inv.account_id, r.name
                        )
                    })
                    .unwrap_or_else(|| arn.clone());
                match problem {
                    Some(p) => Outcome::fail(
                        "AwsConfigConfigurationRecorder",
                        rec_arn,
                        format!("AWS Config in `{region}` {p}"),
                    ),
                    None => Outcome::pass(
                        "AwsConfigConfigurationRecorder",
                        rec_arn,
                        format!("AWS Config in `{region}` records all resource types"),
                    ),
                }
                .with_evidence(evidence)
            }
        };
        outcomes.push(o.in_region(region));
    }
    outcomes
}

#[cfg(test)]
mod builder_inventory_tests {
    //! Cases on inventories built in tests; the moto-backed cases live in `tests/it`.
    use super::*;
    use crate::checks::Status;
    use crate::testing::{InventoryBuilder, access_denied, now};

    fn statuses(inv: &Inventory) -> Vec<Status> {
        recorder_all_regions(inv, now())
            .into_iter()
            .map(|o| o.status)
            .collect()
    }

    #[test]
    fn recorders_in_every_region_pass() {
        assert_eq!(
            statuses(&InventoryBuilder::new().build()),
            [Status::Pass, Status::Pass]
        );
    }

    #[test]
    fn a_region_without_recorder_fails_only_there() {
        let mut b = InventoryBuilder::new();
        b.config("eu-west-1").as_mut().unwrap().recorders.clear();
        let out = recorder_all_regions(&b.build(), now());
        let eu = out
            .iter()
            .find(|o| o.region.as_ref().unwrap().as_str() == "eu-west-1")
            .unwrap();
        assert_eq!(eu.status, Status::Fail);
        assert!(eu.message.contains("no configuration recorder"));
        assert_eq!(out.iter().filter(|o| o.status == Status::Pass).count(), 1);
    }

    #[test]
    fn stopped_or_partial_recorders_fail() {
        let mut b = InventoryBuilder::new();
        b.config("eu-west-1").as_mut().unwrap().recorders[0].recording = false;
        assert!(statuses(&b.clone().build()).contains(&Status::Fail));
        let mut b = InventoryBuilder::new();
        b.config("eu-west-1").as_mut().unwrap().recorders[0].all_supported = false;
        assert!(statuses(&b.build()).contains(&Status::Fail));
    }

    #[test]
    fn missing_delivery_channel_fails() {
        let mut b = InventoryBuilder::new();
        b.config("us-east-1")
            .as_mut()
            .unwrap()
            .delivery_channels
            .clear();
        assert!(statuses(&b.build()).contains(&Status::Fail));
    }

    #[test]
    fn global_resource_types_must_be_recorded_somewhere() {
        let mut b = InventoryBuilder::new();
        b.config("us-east-1").as_mut().unwrap().recorders[0].include_global_resource_types = false;
        assert_eq!(
            statuses(&b.build())
                .iter()
                .filter(|s| **s == Status::Fail)
                .count(),
            1
        );
    }

    #[test]
    fn access_denied_region_is_an_error() {
        let mut b = InventoryBuilder::new();
        *b.config("eu-west-1") = Err(access_denied());
        assert!(statuses(&b.build()).contains(&Status::Error));
    }
}
