//! Cases on inventories built in tests (`testing::InventoryBuilder`): coverage is a pure
//! function of the inventory, and the moto-backed scans are exercised through the checks.

use super::*;
use crate::checks::monitoring_spec;
use crate::inventory::{AdvancedEventSelector, EventSelectors, FieldSelector};
use crate::testing::{InventoryBuilder, access_denied, now};

const HOME: &str = "us-east-1";
const OTHER: &str = "eu-west-1";

fn region<'a>(cov: &'a Coverage, name: &str) -> &'a RegionCoverage {
    cov.regions
        .iter()
        .find(|r| r.region.as_str() == name)
        .unwrap()
}

fn of(b: InventoryBuilder) -> Coverage {
    coverage(&b.build())
}

fn region_of(b: InventoryBuilder, name: &str) -> RegionCoverage {
    region(&of(b), name).clone()
}

fn all_ids() -> Vec<String> {
    monitoring_spec::controls()
        .iter()
        .map(|c| c.cis_id.to_owned())
        .collect()
}

#[test]
fn compliant_baseline_is_full_for_all_three_services_in_every_region() {
    let cov = of(InventoryBuilder::new());
    assert_eq!(cov.regions.len(), 2);
    for r in &cov.regions {
        let ct = &r.cloudtrail;
        assert_eq!(ct.level, Level::Full, "{r:#?}");
        assert_eq!(ct.trails, ["org-trail"]);
        assert!(ct.logging && ct.management_read && ct.management_write && ct.data_events);
        assert!(ct.log_file_validation && ct.kms_encrypted && ct.cloudwatch_logs);
        assert!(ct.gaps.is_empty(), "{:?}", ct.gaps);
        assert_eq!(r.cloudwatch.level, Level::Full, "{r:#?}");
        assert_eq!(r.cloudwatch.monitors_present, all_ids());
        assert!(r.cloudwatch.monitors_missing.is_empty());
        assert_eq!(r.cloudwatch.alarms_with_subscribers, 15);
        assert!(r.cloudwatch.gaps.is_empty());
        assert_eq!(r.config.level, Level::Full, "{r:#?}");
        assert!(r.config.recorder && r.config.recording && r.config.all_supported);
        assert!(r.config.delivery_channel && r.config.gaps.is_empty());
    }
    assert!(region(&cov, HOME).config.global_types);
    assert!(!region(&cov, OTHER).config.global_types);
}

#[test]
fn regions_follow_the_inventory_region_list() {
    let cov = of(InventoryBuilder::for_account(
        "210987654321",
        &["eu-central-1", "us-west-2", "ap-south-1"],
    ));
    let names: Vec<&str> = cov.regions.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(names, ["eu-central-1", "us-west-2", "ap-south-1"]);
}

#[test]
fn without_a_multi_region_trail_other_regions_have_no_trail_and_no_monitoring() {
    let mut b = InventoryBuilder::new();
    b.trail().multi_region = false;
    let cov = of(b);
    let home = region(&cov, HOME);
    assert_eq!(home.cloudtrail.level, Level::Full);
    assert_eq!(home.cloudwatch.level, Level::Full);
    let other = region(&cov, OTHER);
    assert_eq!(other.cloudtrail.level, Level::None);
    assert!(other.cloudtrail.trails.is_empty());
    assert_eq!(other.cloudtrail.gaps, ["no trail records this region"]);
    assert_eq!(other.cloudwatch.level, Level::None);
    assert_eq!(other.cloudwatch.monitors_missing, all_ids());
    assert_eq!(other.config.level, Level::Full);
}

#[test]
fn stopped_trail_is_partial_with_only_the_logging_gap() {
    let mut b = InventoryBuilder::new();
    b.trail().status.as_mut().unwrap().is_logging = false;
    let cov = of(b);
    for r in &cov.regions {
        assert_eq!(r.cloudtrail.level, Level::Partial);
        assert!(!r.cloudtrail.logging);
        assert!(r.cloudtrail.management_read && r.cloudtrail.kms_encrypted);
        assert_eq!(r.cloudtrail.gaps, ["trail `org-trail` is not logging"]);
        // A stopped trail feeds no log group, so nothing can be alarmed.
        assert_eq!(r.cloudwatch.level, Level::None);
    }
}

#[test]
fn trail_without_validation_or_kms_is_partial_and_names_each_gap() {
    let mut b = InventoryBuilder::new();
    b.trail().log_file_validation = false;
    let ct = &region_of(b.clone(), OTHER).cloudtrail;
    assert_eq!(ct.level, Level::Partial);
    assert!(!ct.log_file_validation && ct.kms_encrypted);
    assert_eq!(ct.gaps, ["log file validation is off"]);

    b.trail().kms_key_id = None;
    let ct = &region_of(b, OTHER).cloudtrail;
    assert_eq!(ct.level, Level::Partial);
    assert!(!ct.kms_encrypted);
    assert_eq!(
        ct.gaps,
        [
            "log file validation is off",
            "log files are not encrypted with a KMS key"
        ]
    );
}

#[test]
fn write_only_management_events_leave_a_read_gap() {
    let mut b = InventoryBuilder::new();
    b.trail().selectors.as_mut().unwrap().basic[0].read_write_type = "WriteOnly".into();
    let ct = &region_of(b, HOME).cloudtrail;
    assert_eq!(ct.level, Level::Partial);
    assert!(!ct.management_read && ct.management_write);
    assert_eq!(ct.gaps, ["management read events not recorded"]);
}

#[test]
fn advanced_selectors_count_for_management_and_data_events() {
    let mut b = InventoryBuilder::new();
    let sel = b.trail().selectors.as_mut().unwrap();
    *sel = EventSelectors::default();
    sel.advanced = vec![
        AdvancedEventSelector {
            name: Some("management".into()),
            field_selectors: vec![FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Management".into()],
                ..Default::default()
            }],
        },
        AdvancedEventSelector {
            name: Some("lambda".into()),
            field_selectors: vec![
                FieldSelector {
                    field: "eventCategory".into(),
                    equals: vec!["Data".into()],
                    ..Default::default()
                },
                FieldSelector {
                    field: "resources.type".into(),
                    equals: vec!["AWS::Lambda::Function".into()],
                    ..Default::default()
                },
            ],
        },
    ];
    let ct = &region_of(b, OTHER).cloudtrail;
    assert_eq!(ct.level, Level::Full);
    assert!(ct.management_read && ct.management_write && ct.data_events);
}

#[test]
fn data_events_are_reported_but_not_required_for_full() {
    let mut b = InventoryBuilder::new();
    b.trail().selectors.as_mut().unwrap().basic[0]
        .data_resources
        .clear();
    let ct = &region_of(b, HOME).cloudtrail;
    assert_eq!(ct.level, Level::Full);
    assert!(!ct.data_events);
}

#[test]
fn failing_cloudwatch_logs_delivery_is_a_gap_with_the_error() {
    let mut b = InventoryBuilder::new();
    b.trail()
        .status
        .as_mut()
        .unwrap()
        .latest_cloudwatch_logs_delivery_error = Some("AccessDeniedException".into());
    let ct = &region_of(b, HOME).cloudtrail;
    assert_eq!(ct.level, Level::Partial);
    assert!(!ct.cloudwatch_logs);
    assert_eq!(
        ct.gaps,
        ["trail `org-trail` fails to deliver to CloudWatch Logs (AccessDeniedException)"]
    );
}

#[test]
fn denied_trail_status_makes_trail_and_monitoring_coverage_unknown() {
    let mut b = InventoryBuilder::new();
    b.trail().status = Err(access_denied());
    let cov = of(b);
    for r in &cov.regions {
        assert_eq!(r.cloudtrail.level, Level::Unknown);
        assert_eq!(r.cloudtrail.trails, ["org-trail"]);
        assert!(
            r.cloudtrail.gaps[0].contains("AccessDenied"),
            "{:?}",
            r.cloudtrail.gaps
        );
        assert_eq!(r.cloudwatch.level, Level::Unknown);
        assert!(r.cloudwatch.gaps[0].contains("AccessDenied"));
    }
}

#[test]
fn denied_trail_listing_without_a_visible_trail_is_unknown_not_none() {
    let mut b = InventoryBuilder::new();
    b.trail().multi_region = false;
    *b.cloudtrail()
        .regions
        .get_mut(&Region::parse(OTHER).unwrap())
        .unwrap() = Err(access_denied());
    let other = region_of(b, OTHER);
    assert_eq!(other.cloudtrail.level, Level::Unknown);
    assert_eq!(other.cloudwatch.level, Level::Unknown);
}

#[test]
fn uncollected_services_are_unknown() {
    let mut b = InventoryBuilder::new();
    let inv = b.inventory();
    inv.cloudtrail = None;
    inv.config = None;
    for r in &of(b).regions {
        assert_eq!(r.cloudtrail.level, Level::Unknown);
        assert_eq!(r.cloudwatch.level, Level::Unknown);
        assert_eq!(r.config.level, Level::Unknown);
        assert!(r.config.gaps[0].contains("not collected"));
    }
}

#[test]
fn deleted_metric_filter_moves_its_control_to_missing_and_makes_monitoring_partial() {
    let mut b = InventoryBuilder::new();
    b.logs(HOME)
        .as_mut()
        .unwrap()
        .metric_filters
        .retain(|f| f.name != "cis-4-3");
    let cov = of(b);
    for r in &cov.regions {
        let cw = &r.cloudwatch;
        assert_eq!(cw.level, Level::Partial);
        assert_eq!(cw.monitors_missing, ["4.3"]);
        assert_eq!(cw.monitors_present.len(), 14);
        assert!(!cw.monitors_present.contains(&"4.3".to_owned()));
        assert_eq!(cw.alarms_with_subscribers, 14);
        assert_eq!(cw.gaps.len(), 1);
        assert!(cw.gaps[0].starts_with("CIS 4.3: "), "{:?}", cw.gaps);
        assert!(cw.gaps[0].contains("aws-cloudtrail-logs"), "{:?}", cw.gaps);
    }
}

#[test]
fn alarms_without_a_confirmed_subscriber_leave_no_monitor_in_place() {
    let mut b = InventoryBuilder::new();
    b.cloudwatch(HOME).as_mut().unwrap().subscriptions = Ok(vec![]);
    let cw = &region_of(b, OTHER).cloudwatch;
    assert_eq!(cw.level, Level::None);
    assert_eq!(cw.alarms_with_subscribers, 0);
    assert_eq!(cw.monitors_missing, all_ids());
    assert!(
        cw.gaps.iter().all(|g| g.contains("confirmed subscriber")),
        "{:?}",
        cw.gaps
    );
}

#[test]
fn denied_metric_filters_make_monitoring_unknown() {
    let mut b = InventoryBuilder::new();
    *b.logs(HOME) = Err(access_denied());
    let cw = &region_of(b, OTHER).cloudwatch;
    assert_eq!(cw.level, Level::Unknown);
    assert_eq!(cw.monitors_missing, all_ids());
    assert_eq!(cw.gaps.len(), 1, "{:?}", cw.gaps);
    assert!(cw.gaps[0].contains("AccessDenied"));
}

#[test]
fn stopped_config_recorder_is_partial() {
    let mut b = InventoryBuilder::new();
    b.config(OTHER).as_mut().unwrap().recorders[0].recording = false;
    let cov = of(b);
    let cfg = &region(&cov, OTHER).config;
    assert_eq!(cfg.level, Level::Partial);
    assert!(cfg.recorder && !cfg.recording);
    assert_eq!(cfg.gaps, ["recorder `default` is stopped"]);
    assert_eq!(region(&cov, HOME).config.level, Level::Full);
}

#[test]
fn region_without_config_recorder_has_no_config_coverage() {
    let mut b = InventoryBuilder::new();
    b.config(OTHER).as_mut().unwrap().recorders.clear();
    let cfg = &region_of(b, OTHER).config;
    assert_eq!(cfg.level, Level::None);
    assert!(!cfg.recorder && cfg.delivery_channel);
    assert_eq!(cfg.gaps, ["no configuration recorder"]);
}

#[test]
fn missing_delivery_channel_is_partial() {
    let mut b = InventoryBuilder::new();
    b.config(HOME).as_mut().unwrap().delivery_channels.clear();
    let cfg = &region_of(b, HOME).config;
    assert_eq!(cfg.level, Level::Partial);
    assert_eq!(cfg.gaps, ["no delivery channel"]);
}

#[test]
fn no_region_recording_global_types_is_a_gap_but_not_a_lower_level() {
    let mut b = InventoryBuilder::new();
    b.config(HOME).as_mut().unwrap().recorders[0].include_global_resource_types = false;
    for r in &of(b).regions {
        assert_eq!(r.config.level, Level::Full);
        assert!(!r.config.global_types);
        assert_eq!(r.config.gaps.len(), 1);
        assert!(r.config.gaps[0].contains("global resource types"));
    }
}

#[test]
fn denied_config_region_is_unknown_and_hides_the_global_types_verdict() {
    let mut b = InventoryBuilder::new();
    b.config(HOME).as_mut().unwrap().recorders[0].include_global_resource_types = false;
    *b.config(OTHER) = Err(access_denied());
    let cov = of(b);
    let other = &region(&cov, OTHER).config;
    assert_eq!(other.level, Level::Unknown);
    assert!(other.gaps[0].contains("AccessDenied"));
    assert!(region(&cov, HOME).config.gaps.is_empty());
}

#[test]
fn summary_counts_fully_covered_regions_per_service() {
    assert_eq!(
        of(InventoryBuilder::new()).summary(),
        CoverageSummary {
            regions: 2,
            cloudtrail_full: 2,
            cloudwatch_full: 2,
            config_full: 2,
        }
    );
    let mut b = InventoryBuilder::new();
    b.trail().multi_region = false;
    b.config(OTHER).as_mut().unwrap().recorders[0].recording = false;
    b.config(HOME).as_mut().unwrap().recorders.clear();
    assert_eq!(
        of(b).summary(),
        CoverageSummary {
            regions: 2,
            cloudtrail_full: 1,
            cloudwatch_full: 1,
            config_full: 0,
        }
    );
}

#[test]
fn coverage_round_trips_through_json_with_lowercase_levels() {
    let mut b = InventoryBuilder::new();
    b.trail().multi_region = false;
    let cov = of(b);
    let json = serde_json::to_value(&cov).unwrap();
    assert_eq!(json["regions"][0]["cloudtrail"]["level"], "full");
    assert_eq!(json["regions"][1]["cloudtrail"]["level"], "none");
    assert_eq!(serde_json::from_value::<Coverage>(json).unwrap(), cov);
    assert_eq!(serde_json::to_value(Level::Unknown).unwrap(), "unknown");
}

#[test]
fn captures_describe_cloudtrail_cloudwatch_logs_config_and_api_gateway_logs() {
    let services: Vec<&str> = CAPTURES.iter().map(|c| c.0).collect();
    assert_eq!(
        services,
        [
            "CloudTrail",
            "CloudWatch Logs",
            "AWS Config",
            "API Gateway logs"
        ]
    );
    assert!(
        CAPTURES
            .iter()
            .all(|(_, captures, usage)| !captures.is_empty() && !usage.is_empty())
    );
}

#[test]
fn demo_organisation_shows_a_mix_of_coverage_levels() {
    let rows: Vec<RegionCoverage> = crate::demo::organisation()
        .iter()
        .flat_map(|a| coverage(&a.inventory(now(), 0)).regions)
        .collect();
    let levels = |service: fn(&RegionCoverage) -> Level| -> Vec<Level> {
        rows.iter().map(service).collect()
    };
    for (name, levels) in [
        ("cloudtrail", levels(|r| r.cloudtrail.level)),
        ("cloudwatch", levels(|r| r.cloudwatch.level)),
        ("config", levels(|r| r.config.level)),
    ] {
        assert!(levels.contains(&Level::Full), "{name}: {levels:?}");
        assert!(
            levels.iter().any(|l| *l != Level::Full),
            "{name}: {levels:?}"
        );
        // The demo collects everything, so nothing is unknown.
        assert!(!levels.contains(&Level::Unknown), "{name}: {levels:?}");
    }
    let summaries: Vec<CoverageSummary> = crate::demo::organisation()
        .iter()
        .map(|a| coverage(&a.inventory(now(), 0)).summary())
        .collect();
    let full = |s: &CoverageSummary| {
        s.cloudtrail_full == s.regions
            && s.cloudwatch_full == s.regions
            && s.config_full == s.regions
    };
    assert!(summaries.iter().any(full), "{summaries:?}");
    assert!(!summaries.iter().all(full), "{summaries:?}");
}

fn with_apis(edit: impl FnOnce(&mut crate::inventory::ApiGatewayRegion)) -> InventoryBuilder {
    let mut b = InventoryBuilder::new();
    let mut region = crate::testing::apigateway::region(crate::testing::ACCOUNT, HOME);
    edit(&mut region);
    let home = b.home();
    let mut other = crate::testing::apigateway::region(crate::testing::ACCOUNT, OTHER);
    other.rest_apis.clear();
    other.apis = Ok(vec![]);
    let other_region = crate::types::Region::parse(OTHER).unwrap();
    b.inventory().apigateway = Some(
        [(home, Ok(region)), (other_region, Ok(other))]
            .into_iter()
            .collect(),
    );
    b
}

fn api_logging(b: InventoryBuilder, name: &str) -> ApiLoggingCoverage {
    region_of(b, name).api_logging.unwrap()
}

#[test]
fn api_logging_is_full_when_every_stage_logs_and_not_applicable_without_apis() {
    let b = with_apis(|_| {});
    let home = api_logging(b.clone(), HOME);
    assert_eq!(home.level, Level::Full, "{home:#?}");
    assert_eq!((home.stages, home.access_logged), (3, 3));
    // REST and WebSocket stages can log execution; the HTTP API's cannot.
    assert_eq!((home.execution_capable, home.execution_logged), (2, 2));
    assert_eq!(api_logging(b, OTHER).level, Level::NotApplicable);
}

#[test]
fn a_stage_without_access_logs_makes_api_logging_partial_and_names_it() {
    let b = with_apis(|r| {
        r.rest_apis[0].stages.as_mut().unwrap()[0].access_log = None;
    });
    let home = api_logging(b, HOME);
    assert_eq!(home.level, Level::Partial);
    assert_eq!(home.access_logged, 2);
    assert_eq!(home.gaps, ["REST `orders` / `prod`: no access log"]);
}

#[test]
fn no_stage_logging_anything_is_none_and_unreadable_stages_are_unknown() {
    let silent = with_apis(|r| {
        let s = &mut r.rest_apis[0].stages.as_mut().unwrap()[0];
        s.access_log = None;
        s.method_settings.clear();
        for api in r.apis.as_mut().unwrap() {
            let s = &mut api.stages.as_mut().unwrap()[0];
            s.access_log = None;
            s.logging_level = None;
        }
    });
    assert_eq!(api_logging(silent, HOME).level, Level::None);
    let denied = with_apis(|r| r.apis = Err(access_denied()));
    let home = api_logging(denied, HOME);
    assert_eq!(home.level, Level::Unknown);
    assert!(home.gaps[0].contains("AccessDenied"), "{:?}", home.gaps);
    let uncollected = region_of(InventoryBuilder::new(), HOME)
        .api_logging
        .unwrap();
    assert_eq!(uncollected.level, Level::Unknown);
}
