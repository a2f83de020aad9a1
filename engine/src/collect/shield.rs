//! Shield Advanced subscription and protections: collector.

use super::Ctx;
use crate::inventory::ShieldInventory;
use crate::types::Region;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(_ctx: &Ctx, _regions: &[Region]) -> ShieldInventory {
    ShieldInventory::default()
}
