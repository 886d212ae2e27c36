package sandbox

import (
	"net/http"
	"sort"
)

// tnxBillingGroupRoutes are this area's routes (see routeTelnyx).
var tnxBillingGroupRoutes = []tnxRoute{
	{"GET /v2/billing_groups", tnxListBillingGroups, false},
	{"POST /v2/billing_groups", tnxCreateBillingGroup, true},
	{"GET /v2/billing_groups/{id}", tnxGetBillingGroup, false},
	{"PATCH /v2/billing_groups/{id}", tnxUpdateBillingGroup, true},
	{"DELETE /v2/billing_groups/{id}", tnxDeleteBillingGroup, true},
}

func tnxListBillingGroups(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	if err := tnxOnlyQuery(r); err != nil {
		return 0, nil, err
	}
	out := append([]*tnxBillingGroup{}, st.BillingGroups...)
	sort.SliceStable(out, func(i, j int) bool { return tnxNewest(out[i].CreatedAt, out[j].CreatedAt, out[i].ID, out[j].ID) })
	return telnyxPage(r, out)
}

func tnxCreateBillingGroup(s *Server, st *TelnyxState, _ *http.Request, body []byte) (int, any, error) {
	f, err := tnxDecodeFields(body, "name")
	if err != nil {
		return 0, nil, err
	}
	name := f.str("name", false)
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	now := s.telnyxNow()
	g := &tnxBillingGroup{ID: tnxNewUUID(), Name: name, OrganizationID: st.OrganizationID, RecordType: "billing_group",
		CreatedAt: now, UpdatedAt: now}
	st.BillingGroups = append(st.BillingGroups, g)
	return http.StatusOK, map[string]any{"data": g}, nil
}

func tnxFindBillingGroup(st *TelnyxState, r *http.Request) (int, *tnxBillingGroup, error) {
	return tnxFind(r, st.BillingGroups, func(g *tnxBillingGroup) string { return g.ID }, "billing group", true)
}

func tnxGetBillingGroup(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	_, g, err := tnxFindBillingGroup(st, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"data": g}, nil
}

func tnxUpdateBillingGroup(s *Server, st *TelnyxState, r *http.Request, body []byte) (int, any, error) {
	_, g, err := tnxFindBillingGroup(st, r)
	if err != nil {
		return 0, nil, err
	}
	f, err := tnxDecodeFields(body, "name")
	if err != nil {
		return 0, nil, err
	}
	name, set := f.str("name", false), f.has("name")
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	if set {
		g.Name = name
		g.UpdatedAt = s.telnyxNow()
	}
	return http.StatusOK, map[string]any{"data": g}, nil
}

func tnxDeleteBillingGroup(s *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	i, g, err := tnxFindBillingGroup(st, r)
	if err != nil {
		return 0, nil, err
	}
	st.BillingGroups = append(st.BillingGroups[:i], st.BillingGroups[i+1:]...)
	now := s.telnyxNow()
	g.DeletedAt, g.UpdatedAt = &now, now
	return http.StatusOK, map[string]any{"data": g}, nil
}
