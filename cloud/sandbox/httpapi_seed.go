package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Seed data models: sys_user (the built-in user model every environment has)
// and todo, in prod, with a smaller preview (pre) copy. Ids are derived from
// the model and position, so they are stable across runs and docs.

const seedModels = `{
 "sys_user": {
  "title": "Users",
  "fields": {"name": "string", "nickName": "string", "email": "string", "phone": "string",
             "status": "string", "type": "string", "loginCount": "number"},
  "required": ["name"],
  "prod": [
   {"name": "alice", "nickName": "Alice", "email": "alice@example.com", "phone": "+86 138 0000 0001", "status": "ACTIVE", "type": "internalUser", "loginCount": 42},
   {"name": "bob", "nickName": "Bob", "email": "bob@example.com", "phone": "+86 138 0000 0002", "status": "ACTIVE", "type": "internalUser", "loginCount": 7},
   {"name": "carol", "nickName": "Carol", "email": "carol@example.org", "status": "BLOCKED", "type": "externalUser", "loginCount": 0},
   {"name": "dave", "nickName": "Dave O'Neil", "email": "dave@example.org", "phone": "+86 138 0000 0004", "status": "ACTIVE", "type": "externalUser", "loginCount": 15},
   {"name": "erin", "nickName": "Erin", "email": "erin@example.com", "status": "ACTIVE", "type": "externalUser", "loginCount": 3}
  ],
  "pre": [
   {"name": "tester", "nickName": "Preview Tester", "email": "tester@example.com", "status": "ACTIVE", "type": "internalUser", "loginCount": 1}
  ]
 },
 "todo": {
  "title": "To-do items",
  "fields": {"title": "string", "done": "boolean", "priority": "number", "due": "string", "owner": "string", "notes": "string"},
  "required": ["title"],
  "prod": [
   {"title": "Write release notes", "done": false, "priority": 2, "due": "2025-07-01", "owner": "alice"},
   {"title": "Rotate API keys", "done": true, "priority": 1, "due": "2025-06-15", "owner": "bob", "notes": "done via console"},
   {"title": "Review login config", "done": false, "priority": 1, "due": "2025-06-20", "owner": "alice"},
   {"title": "Plan Q3 roadmap", "done": false, "priority": 3, "due": "2025-07-15", "owner": "carol"},
   {"title": "Fix SMS template", "done": true, "priority": 2, "due": "2025-06-10", "owner": "dave"},
   {"title": "Archive old records", "done": false, "priority": 3, "owner": "erin"},
   {"title": "Invite preview testers", "done": false, "priority": 2, "due": "2025-06-30", "owner": "bob"},
   {"title": "Check rate limits", "done": true, "priority": 1, "due": "2025-06-05", "owner": "alice", "notes": "QPS fine"}
  ],
  "pre": [
   {"title": "Try the new schema", "done": false, "priority": 1, "owner": "tester"},
   {"title": "Preview smoke test", "done": true, "priority": 2, "owner": "tester"}
  ]
 },
 "orders": {
  "title": "Orders",
  "fields": {"orderNo": "string", "customer": "string", "amount": "number", "currency": "string", "status": "string"},
  "required": ["orderNo", "amount", "status"],
  "prod": [
   {"orderNo": "SO-1001", "customer": "alice", "amount": 199, "currency": "CNY", "status": "paid"},
   {"orderNo": "SO-1002", "customer": "bob", "amount": 59.5, "currency": "CNY", "status": "pending"},
   {"orderNo": "SO-1003", "customer": "dave", "amount": 1200, "currency": "CNY", "status": "paid"},
   {"orderNo": "SO-1004", "customer": "erin", "amount": 35, "currency": "CNY", "status": "refunded"}
  ],
  "pre": []
 }
}`

func seedRecords(now time.Time) *RecordsState {
	var seed map[string]struct {
		Title    string            `json:"title"`
		Fields   map[string]string `json:"fields"`
		Required []string          `json:"required"`
		Prod     []map[string]any  `json:"prod"`
		Pre      []map[string]any  `json:"pre"`
	}
	if err := json.Unmarshal([]byte(seedModels), &seed); err != nil {
		panic("sandbox: seed models: " + err.Error())
	}
	st := &RecordsState{Prod: map[string]*Model{}, Pre: map[string]*Model{}}
	base := float64(now.UnixMilli())
	for name, m := range seed {
		for envType, recs := range map[string][]map[string]any{"prod": m.Prod, "pre": m.Pre} {
			for i, r := range recs {
				sum := sha256.Sum256([]byte(envType + "/" + name + "/" + string(rune('a'+i))))
				r["_id"] = hex.EncodeToString(sum[:8])
				at := base - float64((len(recs)-i)*3600_000) // oldest first, an hour apart
				r["createdAt"], r["updatedAt"] = at, at
			}
			model := &Model{Title: m.Title, Fields: m.Fields, Required: m.Required, Records: recs}
			if envType == "prod" {
				st.Prod[name] = model
			} else {
				st.Pre[name] = cloneModel(model)
			}
		}
	}
	return st
}

// cloneModel gives pre its own schema maps (models share none across env types).
func cloneModel(m *Model) *Model {
	fields := make(map[string]string, len(m.Fields))
	for k, v := range m.Fields {
		fields[k] = v
	}
	return &Model{Title: m.Title, Fields: fields, Required: append([]string(nil), m.Required...), Records: m.Records}
}
