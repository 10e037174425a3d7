package handler_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

// A sub-unit created while its parent is deleted must never outlive it: either the delete
// is refused (the child came first) or the create is (the parent is gone).
func TestConcurrentCreateAndDeleteLeaveNoOrphan(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	for i := 0; i < 8; i++ {
		parentID := fmt.Sprintf("parent-%02d", i)
		parent := ia + "/units/" + parentID
		if _, err := c.CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: ia, UnitId: parentID, Unit: battalion(brigade)}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var createErr, deleteErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, createErr = c.CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: ia, UnitId: fmt.Sprintf("child-%02d", i), Unit: battalion(parent)})
		}()
		go func() {
			defer wg.Done()
			_, deleteErr = c.DeleteUnit(ctx, &forcesv1.DeleteUnitRequest{Name: parent})
		}()
		wg.Wait()
		switch {
		case createErr == nil && status.Code(deleteErr) == codes.FailedPrecondition:
		case deleteErr == nil && status.Code(createErr) == codes.InvalidArgument:
		default:
			t.Fatalf("round %d: create %v, delete %v; want exactly one refused", i, createErr, deleteErr)
		}
	}
}
