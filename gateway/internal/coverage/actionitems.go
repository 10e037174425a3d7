package coverage

import (
	"context"
	"fmt"
	"time"

	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// Bounds on what one picture asks the meeting service for.
const (
	actionItemsPageSize = 500
	actionItemsPages    = 4
	actionItemsTimeout  = 3 * time.Second
)

// actionItems returns the open (not done) action items about the given zone ("zones/-":
// about any zone), by zone, soonest due first, in as few calls as the meeting service's
// pages allow. ok is false when the meeting service could not be asked: the picture is
// then made without action items, and the failure logged, rather than refused.
func (h *Handler) actionItems(ctx context.Context, zone string) (map[string][]*meetingv1.ActionItem, bool) {
	if h.cfg.Meetings == nil {
		return nil, false
	}
	// A short deadline of its own: a slow meeting service must not hold the picture up.
	ctx, cancel := context.WithTimeout(ctx, actionItemsTimeout)
	defer cancel()
	filter := "status != ACTION_ITEM_STATUS_DONE"
	if zone != allZones {
		filter = fmt.Sprintf("zone = %q AND %s", zone, filter)
	}
	out := map[string][]*meetingv1.ActionItem{}
	token := ""
	for range actionItemsPages {
		resp, err := h.cfg.Meetings.ListActionItems(ctx, &meetingv1.ListActionItemsRequest{
			Parent: "meetings/-/decisions/-", Filter: filter, PageSize: actionItemsPageSize, PageToken: token})
		if err != nil {
			h.cfg.Log.Warn("operational picture made without action items: meeting service unavailable", "error", err)
			return nil, false
		}
		for _, it := range resp.GetActionItems() {
			for _, z := range it.GetZones() {
				if zone == allZones || z == zone {
					out[z] = append(out[z], it)
				}
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return out, true
}
