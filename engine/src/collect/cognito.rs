//! Cognito user pools: collector.

use super::Ctx;
use crate::inventory::{CognitoRegion, Regional, Service};
use crate::types::Region;

const S: Service = Service::Cognito;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<CognitoRegion> {
    ctx.per_region(S, regions, |_r| async { Ok(CognitoRegion::default()) })
        .await
}
