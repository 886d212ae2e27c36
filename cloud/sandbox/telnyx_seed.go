package sandbox

import (
	"time"
)

// Telephony credentials tokens can be made for (there is no list operation
// in this API, so the ids are documented). The second one has expired.
var (
	TelnyxDemoCredentialID    = tnxNameUUID("telephony-credential/webrtc-demo")
	TelnyxExpiredCredentialID = tnxNameUUID("telephony-credential/expired")
)

// seedTelnyx is a small but realistic account: enough billing groups for
// several pages, records in every state the API documents.
func seedTelnyx(now time.Time) *TelnyxState {
	at := func(daysAgo int) string {
		return now.Add(-time.Duration(daysAgo) * 24 * time.Hour).UTC().Format(time.RFC3339)
	}
	st := &TelnyxState{OrganizationID: tnxNameUUID("organization"), UserID: tnxNameUUID("user"), TokenKey: randomHex(32)}
	for i, a := range []struct{ ip, desc, source, status string }{
		{"203.0.113.10", "Office NAT (Austin)", "portal", "added"},
		{"198.51.100.24", "CI runners", "api", "added"},
		{"2001:db8:85a3::8a2e:370:7334", "IPv6 VPN egress", "api", "pending"},
	} {
		st.AccessIPs = append(st.AccessIPs, &tnxAccessIP{ID: tnxNameUUID("access-ip/" + a.ip), IPAddress: a.ip,
			Source: a.source, Status: a.status, UserID: st.UserID, Description: a.desc, CreatedAt: at(90 - 30*i), UpdatedAt: at(89 - 30*i)})
	}
	for i, a := range []tnxAddress{
		{ID: "1293384261075731499", FirstName: "Alfred", LastName: "Foster", BusinessName: "Toy-O'Kon", StreetAddress: "600 Congress Avenue",
			Locality: "Austin", AdministrativeArea: "TX", PostalCode: "78701", CountryCode: "US", PhoneNumber: "+15125550100", CustomerReference: "e911-hq"},
		{ID: "1293384261075731500", FirstName: "Maria", LastName: "Gonzalez", BusinessName: "Acme Logistics", StreetAddress: "350 5th Ave",
			ExtendedAddress: "Suite 4100", Locality: "New York", AdministrativeArea: "NY", PostalCode: "10118", CountryCode: "US", CustomerReference: "e911-nyc"},
		{ID: "1293384261075731501", FirstName: "Jonas", LastName: "Berg", BusinessName: "Nordlys AS", StreetAddress: "Karl Johans gate 22",
			Locality: "Oslo", PostalCode: "0159", CountryCode: "NO", CustomerReference: "office-oslo"},
	} {
		a.RecordType, a.AddressBook, a.ValidateAddress = "address", ptr(true), ptr(true)
		a.CreatedAt, a.UpdatedAt = at(60-20*i), at(60-20*i)
		st.Addresses = append(st.Addresses, &a)
	}
	okta := &tnxAuthProvider{ID: tnxNameUUID("auth-provider/okta"), Name: "Okta", ShortName: "myorg",
		OrganizationID: st.OrganizationID, RecordType: "authentication_provider", Active: ptr(false), CreatedAt: at(120), UpdatedAt: at(30)}
	tnxApplySettings(okta, &tnxSettingsInput{IdpEntityID: "https://myorg.okta.com/saml/metadata",
		IdpSSOTargetURL: "https://myorg.okta.com/app/telnyx/sso/saml", IdpCertFingerprint: "13:38:C7:BB:C9:FF:4A:70:38:3A:E3:D9:5C:CD:DB:2E:50:1E:80:A7",
		IdpCertFingerprintAlgorithm: "sha1"})
	okta.Active, okta.ActivatedAt = ptr(true), at(30)
	okta.Settings.IdpAttributeNames = map[string]any{"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
		"first_name": "firstName", "last_name": "lastName"}
	azure := &tnxAuthProvider{ID: tnxNameUUID("auth-provider/azure"), Name: "Azure AD (staging)", ShortName: "myorg-staging",
		OrganizationID: st.OrganizationID, RecordType: "authentication_provider", Active: ptr(false), CreatedAt: at(15), UpdatedAt: at(15)}
	tnxApplySettings(azure, &tnxSettingsInput{IdpEntityID: "https://sts.windows.net/6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10/",
		IdpSSOTargetURL:             "https://login.microsoftonline.com/6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10/saml2",
		IdpCertFingerprint:          "5A:0E:6F:8C:2B:91:D4:7E:13:A2:C5:F0:88:4B:DE:19:27:6C:A3:B4:0D:E1:F2:93:7A:55:C8:04:B6:E9:1F:32",
		IdpCertFingerprintAlgorithm: "sha256"})
	azure.Settings.IdpSLOTargetURL = "https://login.microsoftonline.com/6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10/saml2"
	st.AuthProviders = []*tnxAuthProvider{okta, azure}
	for i, name := range []string{"Engineering", "Sales", "Support", "Marketing", "EMEA operations", "APAC operations",
		"Voice production", "Messaging production", "Staging", "Research", "Customer success", "Finance"} {
		st.BillingGroups = append(st.BillingGroups, &tnxBillingGroup{ID: tnxNameUUID("billing-group/" + name), Name: name,
			OrganizationID: st.OrganizationID, RecordType: "billing_group", CreatedAt: at(200 - 10*i), UpdatedAt: at(200 - 10*i)})
	}
	for i, s := range []struct{ ident, typ string }{{"crm_webhook_bearer", "bearer"}, {"legacy_pbx_basic", "basic"}} {
		st.Secrets = append(st.Secrets, &tnxStoredSecret{tnxIntegrationSecret: tnxIntegrationSecret{ID: tnxNameUUID("secret/" + s.ident),
			Identifier: s.ident, RecordType: "integration_secret", CreatedAt: at(40 - 10*i), UpdatedAt: at(40 - 10*i)},
			Type: s.typ, Digest: randomHex(32)})
	}
	st.Credentials = []*TelephonyCredential{
		{ID: TelnyxDemoCredentialID, Name: "webrtc-demo", CreatedAt: at(10)},
		{ID: TelnyxExpiredCredentialID, Name: "old-softphone", Expired: true, CreatedAt: at(400)},
	}
	return st
}
