//! API Gateway logging coverage of one region: which stages write access and execution logs.

use super::{ApiLoggingCoverage, Level};
use crate::inventory::{ApiProtocol, Inventory};
use crate::types::Region;

fn unknown(gap: String) -> ApiLoggingCoverage {
    ApiLoggingCoverage {
        level: Level::Unknown,
        stages: 0,
        access_logged: 0,
        execution_capable: 0,
        execution_logged: 0,
        gaps: vec![gap],
    }
}

fn logs_execution(level: Option<&str>) -> bool {
    matches!(level, Some("ERROR" | "INFO"))
}

/// API Gateway's logging coverage of `region`.
pub(super) fn api_logging_coverage(inv: &Inventory, region: &Region) -> ApiLoggingCoverage {
    let Some(gw) = &inv.apigateway else {
        return unknown("API Gateway was not collected in this scan".to_owned());
    };
    let data = match gw.get(region) {
        None => return unknown(format!("API Gateway in `{region}` was not scanned")),
        Some(Err(e)) => {
            return unknown(format!("the APIs of `{region}` could not be read ({e})"));
        }
        Some(Ok(d)) => d,
    };
    let mut c = ApiLoggingCoverage {
        level: Level::NotApplicable,
        stages: 0,
        access_logged: 0,
        execution_capable: 0,
        execution_logged: 0,
        gaps: Vec::new(),
    };
    let mut unreadable = false;
    let mut silent: Vec<String> = Vec::new();
    for api in &data.rest_apis {
        let Ok(stages) = &api.stages else {
            unreadable = true;
            c.gaps.push(format!(
                "the stages of REST API `{}` could not be read",
                api.name
            ));
            continue;
        };
        for s in stages {
            c.stages += 1;
            c.execution_capable += 1;
            let access = s.access_log.is_some();
            let exec = logs_execution(s.defaults().and_then(|d| d.logging_level.as_deref()));
            c.access_logged += usize::from(access);
            c.execution_logged += usize::from(exec);
            if !access || !exec {
                silent.push(format!(
                    "REST `{}` / `{}`: {}",
                    api.name,
                    s.name,
                    missing(access, Some(exec))
                ));
            }
        }
    }
    match &data.apis {
        Err(e) => {
            unreadable = true;
            c.gaps.push(format!(
                "the HTTP and WebSocket APIs could not be read ({e})"
            ));
        }
        Ok(apis) => {
            for api in apis {
                let Ok(stages) = &api.stages else {
                    unreadable = true;
                    c.gaps.push(format!(
                        "the stages of API `{}` could not be read",
                        api.name
                    ));
                    continue;
                };
                for s in stages {
                    c.stages += 1;
                    let access = s.access_log.is_some();
                    c.access_logged += usize::from(access);
                    let exec = (api.protocol == ApiProtocol::Websocket)
                        .then(|| logs_execution(s.logging_level.as_deref()));
                    if let Some(e) = exec {
                        c.execution_capable += 1;
                        c.execution_logged += usize::from(e);
                    }
                    if !access || exec == Some(false) {
                        silent.push(format!(
                            "{} `{}` / `{}`: {}",
                            api.protocol.as_str(),
                            api.name,
                            s.name,
                            missing(access, exec)
                        ));
                    }
                }
            }
        }
    }
    let complete = c.access_logged == c.stages && c.execution_logged == c.execution_capable;
    c.level = if unreadable {
        Level::Unknown
    } else if c.stages == 0 {
        Level::NotApplicable
    } else if complete {
        Level::Full
    } else if c.access_logged == 0 && c.execution_logged == 0 {
        Level::None
    } else {
        Level::Partial
    };
    c.gaps.extend(silent);
    c
}

fn missing(access: bool, exec: Option<bool>) -> String {
    match (access, exec) {
        (false, Some(false)) => "no access log, no execution log".to_owned(),
        (false, _) => "no access log".to_owned(),
        (true, _) => "no execution log".to_owned(),
    }
}
