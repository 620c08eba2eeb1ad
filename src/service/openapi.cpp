#include "service/openapi.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

#include "json/parse.h"

namespace ec::service {
namespace {

// Edit the JSON here; tests/service checks it parses, is OpenAPI 3.0.3 and matches the
// server's routes. Path templates use the names of the API notes: {id}, {name}.
constexpr std::string_view kDocument = R"OPENAPI({
 "openapi": "3.0.3",
 "info": {
  "title": "Export Center service API",
  "version": "1.0.0",
  "description": "The export service of `export-center serve` (same port as the /v2 registry API). Every /v1 route needs `Authorization: Bearer ect_<secret>`; each object belongs to the token's tenant, and another tenant's object is 404. Errors are `{\"error\": {\"code\", \"message\"}}`. Times are RFC 3339 UTC strings, empty when not yet."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "tags": [
  {
   "name": "runs"
  },
  {
   "name": "profiles"
  },
  {
   "name": "artifacts"
  },
  {
   "name": "tokens"
  },
  {
   "name": "admin"
  },
  {
   "name": "health"
  },
  {
   "name": "meta"
  },
  {
   "name": "console"
  }
 ],
 "security": [
  {
   "bearerAuth": []
  }
 ],
 "paths": {
  "/healthz": {
   "get": {
    "operationId": "getHealth",
    "summary": "Liveness",
    "tags": [
     "health"
    ],
    "responses": {
     "200": {
      "description": "The process is up.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/readyz": {
   "get": {
    "operationId": "getReadiness",
    "summary": "Readiness",
    "tags": [
     "health"
    ],
    "description": "Ready when the run store and the registry storage are usable.",
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     },
     "503": {
      "description": "Not ready; `reason` says why.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/metrics": {
   "get": {
    "operationId": "getMetrics",
    "summary": "Prometheus metrics",
    "tags": [
     "health"
    ],
    "responses": {
     "200": {
      "description": "Prometheus text exposition format 0.0.4.",
      "content": {
       "text/plain; version=0.0.4": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/.well-known/openapi": {
   "get": {
    "operationId": "getOpenApi",
    "summary": "This API's OpenAPI 3.0.3 document",
    "tags": [
     "meta"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/IfNoneMatch"
     }
    ],
    "responses": {
     "200": {
      "description": "The document.",
      "headers": {
       "ETag": {
        "description": "Strong validator: the quoted sha256 hex of the body.",
        "schema": {
         "type": "string",
         "example": "\"3f2a…\""
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "304": {
      "description": "Not modified (If-None-Match matched).",
      "headers": {
       "ETag": {
        "description": "Strong validator: the quoted sha256 hex of the body.",
        "schema": {
         "type": "string",
         "example": "\"3f2a…\""
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/": {
   "get": {
    "operationId": "getConsole",
    "summary": "Web console",
    "tags": [
     "console"
    ],
    "description": "The console page; it loads /console.js and /console.css.",
    "responses": {
     "200": {
      "description": "The console's HTML.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/console.js": {
   "get": {
    "operationId": "getConsoleScript",
    "summary": "Web console script",
    "tags": [
     "console"
    ],
    "responses": {
     "200": {
      "description": "The console's script.",
      "content": {
       "application/javascript": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/console.css": {
   "get": {
    "operationId": "getConsoleStyle",
    "summary": "Web console style sheet",
    "tags": [
     "console"
    ],
    "responses": {
     "200": {
      "description": "The console's style sheet.",
      "content": {
       "text/css": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/v1/whoami": {
   "get": {
    "operationId": "whoami",
    "summary": "The calling token",
    "tags": [
     "tokens"
    ],
    "description": "Any valid token.",
    "responses": {
     "200": {
      "description": "The token's tenant, name, id and scopes.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Whoami"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/profiles": {
   "post": {
    "operationId": "publishProfile",
    "summary": "Publish a profile revision",
    "tags": [
     "profiles"
    ],
    "description": "Validates and canonicalises an ExportProfile. A new document becomes a new revision (201); a document identical to an existing revision returns that revision (200). `metadata.tenant`, when given, must be the token's tenant (403 otherwise).\n\nScope: `export:profile:manage`.",
    "x-required-scope": "export:profile:manage",
    "requestBody": {
     "required": true,
     "description": "An ExportProfile in YAML or JSON.",
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ExportProfile"
       }
      },
      "application/yaml": {
       "schema": {
        "type": "string"
       }
      },
      "application/x-yaml": {
       "schema": {
        "type": "string"
       }
      },
      "text/yaml": {
       "schema": {
        "type": "string"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "A new revision was created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Profile"
        }
       }
      }
     },
     "200": {
      "description": "An identical revision already exists.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Profile"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "409": {
      "$ref": "#/components/responses/Conflict"
     },
     "413": {
      "$ref": "#/components/responses/TooLarge"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   },
   "get": {
    "operationId": "listProfiles",
    "summary": "List profiles",
    "tags": [
     "profiles"
    ],
    "description": "The latest revision of each of the tenant's profiles.\n\nScope: `export:read`.",
    "x-required-scope": "export:read",
    "responses": {
     "200": {
      "description": "The profiles.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ProfileList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/profiles/{name}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/ProfileName"
    }
   ],
   "get": {
    "operationId": "getProfile",
    "summary": "Get a profile revision",
    "tags": [
     "profiles"
    ],
    "description": "Scope: `export:read`.",
    "x-required-scope": "export:read",
    "parameters": [
     {
      "name": "revision",
      "in": "query",
      "required": false,
      "description": "A revision (\"r2\"); default: the latest.",
      "schema": {
       "type": "string",
       "pattern": "^r[1-9][0-9]*$",
       "example": "r3"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The profile revision.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Profile"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs": {
   "post": {
    "operationId": "startRun",
    "summary": "Start a run",
    "tags": [
     "runs"
    ],
    "description": "Queues a run of a profile revision. With an Idempotency-Key, a retry with the same key and the same body returns the original run (200); the same key with another body is 409.\n\nScope: `export:run`.",
    "x-required-scope": "export:run",
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateRunRequest"
       }
      }
     }
    },
    "responses": {
     "202": {
      "description": "The run was queued.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "200": {
      "description": "The run this Idempotency-Key already started (same body).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "$ref": "#/components/responses/Conflict"
     },
     "413": {
      "$ref": "#/components/responses/TooLarge"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   },
   "get": {
    "operationId": "listRuns",
    "summary": "List runs",
    "tags": [
     "runs"
    ],
    "description": "Newest first, paged with `after`.\n\nScope: `export:read`.",
    "x-required-scope": "export:read",
    "parameters": [
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "queued",
        "running",
        "succeeded",
        "failed",
        "canceled"
       ]
      }
     },
     {
      "name": "profile",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 200,
       "default": 50
      }
     },
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "A run id: the page starts after it (the previous page's `next`).",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A page of runs.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "get": {
    "operationId": "getRun",
    "summary": "Get a run",
    "tags": [
     "runs"
    ],
    "description": "Scope: `export:read`.",
    "x-required-scope": "export:read",
    "responses": {
     "200": {
      "description": "The run.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/cancel": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "post": {
    "operationId": "cancelRun",
    "summary": "Cancel a run",
    "tags": [
     "runs"
    ],
    "description": "Asks a queued or running run to stop. 409 when the run already succeeded or failed.\n\nScope: `export:run`.",
    "x-required-scope": "export:run",
    "responses": {
     "202": {
      "description": "Cancellation requested (or the run was canceled).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "$ref": "#/components/responses/Conflict"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/events": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "get": {
    "operationId": "streamRunEvents",
    "summary": "Stream a run's events",
    "tags": [
     "runs"
    ],
    "description": "Server-sent events, one per run event: `id: <seq>`, `event: <type>`, `data: <json>` (see Event). A `: keep-alive` comment every 15 s. The stream ends after the run's terminal event (succeeded, failed or canceled).\n\nScope: `export:read`.",
    "x-required-scope": "export:read",
    "parameters": [
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "Only events with a greater seq.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 0
      }
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "description": "As `after`, sent by reconnecting EventSource clients.",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "An event stream.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        },
        "example": "id: 3\nevent: progress\ndata: {\"done\":2,\"total\":5,\"phase\":\"collect\"}\n\n"
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/manifest": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "get": {
    "operationId": "getRunManifest",
    "summary": "The run artifact's OCI manifest",
    "tags": [
     "artifacts"
    ],
    "description": "Scope: `export:read`.",
    "x-required-scope": "export:read",
    "responses": {
     "200": {
      "description": "The manifest bytes; Content-Type is its media type.",
      "headers": {
       "ETag": {
        "description": "The manifest's digest: its quoted sha256 hex.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/vnd.oci.image.manifest.v1+json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/provenance": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "get": {
    "operationId": "getRunProvenance",
    "summary": "The run's signed SLSA provenance",
    "tags": [
     "artifacts"
    ],
    "description": "A DSSE envelope around the in-toto SLSA provenance statement. 404 when the profile has no signing key.\n\nScope: `export:read`.",
    "x-required-scope": "export:read",
    "responses": {
     "200": {
      "description": "The DSSE envelope.",
      "content": {
       "application/vnd.dsse.envelope.v1+json": {
        "schema": {
         "$ref": "#/components/schemas/DsseEnvelope"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/files": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "get": {
    "operationId": "listRunFiles",
    "summary": "List the run's files (what a download token may fetch)",
    "tags": [
     "artifacts"
    ],
    "description": "Scope: `export:download`.",
    "x-required-scope": "export:download",
    "responses": {
     "200": {
      "description": "The files.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FileList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/files/{name}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    },
    {
     "$ref": "#/components/parameters/FileName"
    }
   ],
   "get": {
    "operationId": "downloadRunFile",
    "summary": "Download one of the run's files",
    "tags": [
     "artifacts"
    ],
    "description": "Scope: `export:download`.",
    "x-required-scope": "export:download",
    "parameters": [
     {
      "name": "Range",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "example": "bytes=0-99"
      }
     },
     {
      "$ref": "#/components/parameters/IfNoneMatch"
     }
    ],
    "responses": {
     "200": {
      "description": "The whole file.",
      "headers": {
       "ETag": {
        "description": "Strong validator: the quoted sha256 hex of the body.",
        "schema": {
         "type": "string",
         "example": "\"3f2a…\""
        }
       },
       "Accept-Ranges": {
        "schema": {
         "type": "string",
         "enum": [
          "bytes"
         ]
        }
       },
       "Content-Disposition": {
        "schema": {
         "type": "string",
         "example": "attachment; filename=\"manifest.json\""
        }
       }
      },
      "content": {
       "application/octet-stream": {
        "schema": {
         "type": "string",
         "format": "binary"
        }
       }
      }
     },
     "206": {
      "description": "The requested byte range.",
      "headers": {
       "ETag": {
        "description": "Strong validator: the quoted sha256 hex of the body.",
        "schema": {
         "type": "string",
         "example": "\"3f2a…\""
        }
       },
       "Content-Range": {
        "schema": {
         "type": "string",
         "example": "bytes 0-99/1234"
        }
       },
       "Accept-Ranges": {
        "schema": {
         "type": "string",
         "enum": [
          "bytes"
         ]
        }
       }
      },
      "content": {
       "application/octet-stream": {
        "schema": {
         "type": "string",
         "format": "binary"
        }
       }
      }
     },
     "304": {
      "description": "Not modified (If-None-Match matched).",
      "headers": {
       "ETag": {
        "description": "Strong validator: the quoted sha256 hex of the body.",
        "schema": {
         "type": "string",
         "example": "\"3f2a…\""
        }
       }
      }
     },
     "416": {
      "$ref": "#/components/responses/RangeNotSatisfiable"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/runs/{id}/verification": {
   "parameters": [
    {
     "$ref": "#/components/parameters/RunId"
    }
   ],
   "get": {
    "operationId": "verifyRun",
    "summary": "Verify the run's artifact offline",
    "tags": [
     "artifacts"
    ],
    "description": "Checks the artifact's digests, manifest.json and, when signed, its signatures.\n\nScope: `export:read`.",
    "x-required-scope": "export:read",
    "responses": {
     "200": {
      "description": "The verification result (also when it failed).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Verification"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/audit": {
   "get": {
    "operationId": "listAudit",
    "summary": "Read the audit log",
    "tags": [
     "admin"
    ],
    "description": "Scope: `admin`.",
    "x-required-scope": "admin",
    "parameters": [
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "Only entries with a greater seq.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 0
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "At most this many entries (the server caps it).",
      "schema": {
       "type": "integer",
       "minimum": 1
      }
     }
    ],
    "responses": {
     "200": {
      "description": "Audit entries in seq order.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/tokens": {
   "post": {
    "operationId": "createToken",
    "summary": "Create an API token",
    "tags": [
     "tokens"
    ],
    "description": "The secret is in this response only.\n\nScope: `admin`.",
    "x-required-scope": "admin",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateTokenRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "The token and its secret.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CreatedToken"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/InvalidArgument"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "409": {
      "$ref": "#/components/responses/Conflict"
     },
     "413": {
      "$ref": "#/components/responses/TooLarge"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   },
   "get": {
    "operationId": "listTokens",
    "summary": "List the tenant's API tokens",
    "tags": [
     "tokens"
    ],
    "description": "Scope: `admin`.",
    "x-required-scope": "admin",
    "responses": {
     "200": {
      "description": "The tokens (never their secrets).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TokenList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  },
  "/v1/tokens/{id}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/TokenId"
    }
   ],
   "delete": {
    "operationId": "revokeToken",
    "summary": "Revoke an API token",
    "tags": [
     "tokens"
    ],
    "description": "Scope: `admin`.",
    "x-required-scope": "admin",
    "responses": {
     "204": {
      "description": "Revoked."
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "500": {
      "$ref": "#/components/responses/Internal"
     }
    },
    "security": [
     {
      "bearerAuth": []
     }
    ]
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearerAuth": {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "ect_<secret>",
    "description": "An Export Center API token."
   }
  },
  "schemas": {
   "Time": {
    "type": "string",
    "example": "2026-11-23T04:05:06Z",
    "description": "An RFC 3339 UTC time (\"2026-11-23T04:05:06Z\"); the empty string when not yet."
   },
   "Digest": {
    "type": "string",
    "pattern": "^sha256:[0-9a-f]{64}$",
    "example": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
   },
   "Scope": {
    "type": "string",
    "enum": [
     "export:profile:manage",
     "export:run",
     "export:read",
     "export:download",
     "admin"
    ],
    "description": "`admin` implies every other scope."
   },
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "additionalProperties": false,
    "properties": {
     "error": {
      "type": "object",
      "required": [
       "code",
       "message"
      ],
      "properties": {
       "code": {
        "type": "string",
        "enum": [
         "UNAUTHENTICATED",
         "FORBIDDEN",
         "NOT_FOUND",
         "INVALID_ARGUMENT",
         "CONFLICT",
         "TOO_LARGE",
         "UNAVAILABLE",
         "INTERNAL",
         "METHOD_NOT_ALLOWED"
        ],
        "description": "METHOD_NOT_ALLOWED (405) answers a known path with a method it does not serve."
       },
       "message": {
        "type": "string",
        "example": "run run-01j…: not found"
       }
      }
     }
    },
    "example": {
     "error": {
      "code": "NOT_FOUND",
      "message": "run run-01j…: not found"
     }
    }
   },
   "Whoami": {
    "type": "object",
    "required": [
     "tenant",
     "name",
     "tokenId",
     "scopes"
    ],
    "properties": {
     "tenant": {
      "type": "string"
     },
     "name": {
      "type": "string",
      "description": "The token's name."
     },
     "tokenId": {
      "type": "string"
     },
     "scopes": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Scope"
      }
     }
    }
   },
   "Profile": {
    "type": "object",
    "required": [
     "name",
     "tenant",
     "revision",
     "digest",
     "kind",
     "createdAt",
     "document"
    ],
    "properties": {
     "name": {
      "type": "string",
      "example": "daily-vex"
     },
     "tenant": {
      "type": "string",
      "example": "acme"
     },
     "revision": {
      "type": "string",
      "pattern": "^r[1-9][0-9]*$",
      "example": "r3"
     },
     "digest": {
      "allOf": [
       {
        "$ref": "#/components/schemas/Digest"
       }
      ],
      "description": "sha256 of the canonical profile document."
     },
     "kind": {
      "type": "string",
      "enum": [
       "json:raw",
       "json:policy",
       "trivy:db",
       "trivy:java-db",
       "mirror:full",
       "mirror:delta",
       "devportal:offline"
      ]
     },
     "createdAt": {
      "$ref": "#/components/schemas/Time"
     },
     "document": {
      "type": "object",
      "additionalProperties": true,
      "description": "The canonical ExportProfile (apiVersion, kind, metadata, spec)."
     }
    }
   },
   "ProfileList": {
    "type": "object",
    "required": [
     "profiles"
    ],
    "properties": {
     "profiles": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Profile"
      },
      "description": "The latest revision of each profile, by name."
     }
    }
   },
   "ExportProfile": {
    "type": "object",
    "required": [
     "apiVersion",
     "kind",
     "metadata",
     "spec"
    ],
    "additionalProperties": true,
    "description": "An ExportProfile document as JSON (the same document may be sent as YAML). Parsing is strict: unknown fields are refused.",
    "properties": {
     "apiVersion": {
      "type": "string",
      "enum": [
       "export-center/v1"
      ]
     },
     "kind": {
      "type": "string",
      "enum": [
       "ExportProfile"
      ]
     },
     "metadata": {
      "type": "object",
      "required": [
       "name"
      ],
      "properties": {
       "name": {
        "type": "string"
       },
       "tenant": {
        "type": "string",
        "description": "When present, must be the token's tenant."
       },
       "revision": {
        "type": "string",
        "pattern": "^r[1-9][0-9]*$",
        "example": "r3"
       },
       "labels": {
        "type": "object",
        "additionalProperties": {
         "type": "string"
        }
       }
      }
     },
     "spec": {
      "type": "object",
      "required": [
       "kind"
      ],
      "additionalProperties": true,
      "properties": {
       "kind": {
        "type": "string",
        "enum": [
         "json:raw",
         "json:policy",
         "trivy:db",
         "trivy:java-db",
         "mirror:full",
         "mirror:delta",
         "devportal:offline"
        ]
       }
      }
     }
    },
    "example": {
     "apiVersion": "export-center/v1",
     "kind": "ExportProfile",
     "metadata": {
      "name": "daily-vex",
      "tenant": "acme"
     },
     "spec": {
      "kind": "json:raw",
      "selectors": {
       "kinds": [
        "advisory",
        "vex"
       ]
      }
     }
    }
   },
   "Progress": {
    "type": "object",
    "required": [
     "done",
     "total",
     "phase"
    ],
    "properties": {
     "done": {
      "type": "integer",
      "minimum": 0
     },
     "total": {
      "type": "integer",
      "minimum": 0
     },
     "phase": {
      "type": "string"
     }
    }
   },
   "File": {
    "type": "object",
    "required": [
     "name",
     "digest",
     "size",
     "mediaType"
    ],
    "properties": {
     "name": {
      "type": "string",
      "example": "manifest.json"
     },
     "digest": {
      "$ref": "#/components/schemas/Digest"
     },
     "size": {
      "type": "integer",
      "format": "int64",
      "minimum": 0
     },
     "mediaType": {
      "type": "string"
     }
    }
   },
   "FileList": {
    "type": "object",
    "required": [
     "files"
    ],
    "properties": {
     "files": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/File"
      }
     }
    }
   },
   "Artifact": {
    "type": "object",
    "required": [
     "digest",
     "mediaType",
     "size",
     "reference"
    ],
    "properties": {
     "digest": {
      "$ref": "#/components/schemas/Digest"
     },
     "mediaType": {
      "type": "string"
     },
     "size": {
      "type": "integer",
      "format": "int64",
      "minimum": 0
     },
     "reference": {
      "type": "string"
     }
    }
   },
   "Distribution": {
    "type": "object",
    "required": [
     "type",
     "target",
     "digest"
    ],
    "properties": {
     "type": {
      "type": "string",
      "enum": [
       "registry",
       "download",
       "layout"
      ]
     },
     "target": {
      "type": "string"
     },
     "digest": {
      "$ref": "#/components/schemas/Digest"
     }
    }
   },
   "RunResult": {
    "type": "object",
    "description": "Empty ({}) until the run succeeded.",
    "properties": {
     "artifact": {
      "$ref": "#/components/schemas/Artifact"
     },
     "files": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/File"
      }
     },
     "bytes": {
      "type": "integer",
      "format": "int64",
      "minimum": 0
     },
     "distributions": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Distribution"
      }
     },
     "signed": {
      "type": "boolean"
     }
    }
   },
   "Run": {
    "type": "object",
    "required": [
     "id",
     "tenant",
     "profile",
     "revision",
     "profileDigest",
     "kind",
     "status",
     "progress",
     "reason",
     "attempt",
     "createdAt",
     "startedAt",
     "finishedAt",
     "cancelRequested",
     "parameters",
     "result"
    ],
    "properties": {
     "id": {
      "type": "string",
      "example": "run-01jd5x2k7q8m9n0p1r2s3t4v5w"
     },
     "tenant": {
      "type": "string"
     },
     "profile": {
      "type": "string"
     },
     "revision": {
      "type": "string",
      "pattern": "^r[1-9][0-9]*$",
      "example": "r3"
     },
     "profileDigest": {
      "$ref": "#/components/schemas/Digest"
     },
     "kind": {
      "type": "string",
      "enum": [
       "json:raw",
       "json:policy",
       "trivy:db",
       "trivy:java-db",
       "mirror:full",
       "mirror:delta",
       "devportal:offline"
      ]
     },
     "status": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "succeeded",
       "failed",
       "canceled"
      ]
     },
     "progress": {
      "$ref": "#/components/schemas/Progress"
     },
     "reason": {
      "type": "string",
      "description": "Why the run failed or was canceled; empty otherwise."
     },
     "attempt": {
      "type": "integer",
      "minimum": 0,
      "description": "0 while queued, 1 on the first claim, +1 each time a worker's lease expired and another took the run over."
     },
     "worker": {
      "type": "string",
      "description": "The worker (host:pid:n) holding the run, or the last one that did; empty while queued."
     },
     "createdAt": {
      "$ref": "#/components/schemas/Time"
     },
     "startedAt": {
      "$ref": "#/components/schemas/Time"
     },
     "finishedAt": {
      "$ref": "#/components/schemas/Time"
     },
     "cancelRequested": {
      "type": "boolean"
     },
     "parameters": {
      "type": "object",
      "additionalProperties": true
     },
     "result": {
      "$ref": "#/components/schemas/RunResult"
     }
    }
   },
   "RunList": {
    "type": "object",
    "required": [
     "runs",
     "next"
    ],
    "properties": {
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Run"
      },
      "description": "Newest first."
     },
     "next": {
      "type": "string",
      "description": "The `after` value for the next page; empty on the last page."
     }
    }
   },
   "CreateRunRequest": {
    "type": "object",
    "required": [
     "profile"
    ],
    "additionalProperties": false,
    "properties": {
     "profile": {
      "type": "string",
      "example": "daily-vex"
     },
     "revision": {
      "allOf": [
       {
        "type": "string",
        "pattern": "^r[1-9][0-9]*$",
        "example": "r3"
       }
      ],
      "description": "Default: the latest revision."
     },
     "parameters": {
      "type": "object",
      "additionalProperties": true
     }
    }
   },
   "Event": {
    "type": "object",
    "required": [
     "seq",
     "type",
     "data"
    ],
    "description": "One run event. On the wire (text/event-stream) it is `id: <seq>\\nevent: <type>\\ndata: <data as JSON>\\n\\n`.",
    "properties": {
     "seq": {
      "type": "integer",
      "format": "int64",
      "minimum": 1,
      "description": "The SSE `id` field."
     },
     "type": {
      "type": "string",
      "enum": [
       "queued",
       "started",
       "progress",
       "artifact_ready",
       "distributed",
       "lease_expired",
       "cancel_requested",
       "succeeded",
       "failed",
       "canceled"
      ],
      "description": "The SSE `event` field."
     },
     "data": {
      "type": "object",
      "additionalProperties": true,
      "description": "The SSE `data` field. progress: {done, total, phase}; artifact_ready: {digest, reference}; distributed: {type, target, digest}; failed: {reason}; others: {}."
     }
    }
   },
   "DsseEnvelope": {
    "type": "object",
    "required": [
     "payloadType",
     "payload",
     "signatures"
    ],
    "properties": {
     "payloadType": {
      "type": "string",
      "example": "application/vnd.in-toto+json"
     },
     "payload": {
      "type": "string",
      "format": "byte"
     },
     "signatures": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "sig"
       ],
       "properties": {
        "keyid": {
         "type": "string"
        },
        "sig": {
         "type": "string",
         "format": "byte"
        }
       }
      }
     }
    }
   },
   "Verification": {
    "type": "object",
    "required": [
     "verified",
     "checked",
     "message"
    ],
    "properties": {
     "verified": {
      "type": "boolean"
     },
     "checked": {
      "type": "string",
      "description": "What the offline verification checked."
     },
     "message": {
      "type": "string",
      "description": "Why verification failed; may be empty when verified."
     }
    }
   },
   "AuditEntry": {
    "type": "object",
    "required": [
     "seq",
     "time",
     "actor",
     "action",
     "object",
     "outcome",
     "detail"
    ],
    "properties": {
     "seq": {
      "type": "integer",
      "format": "int64",
      "minimum": 1
     },
     "time": {
      "$ref": "#/components/schemas/Time"
     },
     "actor": {
      "type": "string"
     },
     "action": {
      "type": "string"
     },
     "object": {
      "type": "string"
     },
     "outcome": {
      "type": "string"
     },
     "detail": {
      "type": "string"
     }
    }
   },
   "AuditList": {
    "type": "object",
    "required": [
     "entries"
    ],
    "properties": {
     "entries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/AuditEntry"
      }
     }
    }
   },
   "Token": {
    "type": "object",
    "required": [
     "id",
     "tenant",
     "name",
     "scopes",
     "createdAt",
     "revokedAt"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "tenant": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "scopes": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Scope"
      }
     },
     "createdAt": {
      "$ref": "#/components/schemas/Time"
     },
     "revokedAt": {
      "allOf": [
       {
        "$ref": "#/components/schemas/Time"
       }
      ],
      "description": "Empty while the token is valid."
     }
    }
   },
   "TokenList": {
    "type": "object",
    "required": [
     "tokens"
    ],
    "properties": {
     "tokens": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Token"
      }
     }
    }
   },
   "CreateTokenRequest": {
    "type": "object",
    "required": [
     "name",
     "scopes"
    ],
    "additionalProperties": false,
    "properties": {
     "name": {
      "type": "string"
     },
     "scopes": {
      "type": "array",
      "minItems": 1,
      "items": {
       "$ref": "#/components/schemas/Scope"
      }
     }
    }
   },
   "CreatedToken": {
    "type": "object",
    "required": [
     "token",
     "secret"
    ],
    "properties": {
     "token": {
      "$ref": "#/components/schemas/Token"
     },
     "secret": {
      "type": "string",
      "pattern": "^ect_",
      "description": "Shown once; only a hash is stored."
     }
    }
   },
   "Health": {
    "type": "object",
    "required": [
     "status"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ok"
      ]
     }
    }
   },
   "Readiness": {
    "type": "object",
    "required": [
     "status"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ready",
       "not ready"
      ]
     },
     "reason": {
      "type": "string",
      "description": "Present when not ready."
     }
    }
   }
  },
  "responses": {
   "Unauthenticated": {
    "description": "UNAUTHENTICATED: no, malformed, unknown or revoked bearer token.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    },
    "headers": {
     "WWW-Authenticate": {
      "schema": {
       "type": "string",
       "example": "Bearer realm=\"export-center\""
      }
     }
    }
   },
   "Forbidden": {
    "description": "FORBIDDEN: the token lacks the scope this operation needs (the message names it).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotFound": {
    "description": "NOT_FOUND: no such object in the token's tenant (another tenant's object is also 404).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "InvalidArgument": {
    "description": "INVALID_ARGUMENT: a malformed parameter or body.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Conflict": {
    "description": "CONFLICT: the request conflicts with the current state.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "TooLarge": {
    "description": "TOO_LARGE: the request body is too large.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "RangeNotSatisfiable": {
    "description": "The Range header does not fit the file.",
    "headers": {
     "Content-Range": {
      "schema": {
       "type": "string",
       "example": "bytes */1234"
      }
     }
    }
   },
   "Unavailable": {
    "description": "UNAVAILABLE: try again later.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Internal": {
    "description": "INTERNAL: an unexpected server error.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "parameters": {
   "RunId": {
    "name": "id",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string",
     "example": "run-01jd5x2k7q8m9n0p1r2s3t4v5w"
    }
   },
   "ProfileName": {
    "name": "name",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string",
     "example": "daily-vex"
    }
   },
   "FileName": {
    "name": "name",
    "in": "path",
    "required": true,
    "description": "A file name from the run's file list.",
    "schema": {
     "type": "string",
     "example": "manifest.json"
    }
   },
   "TokenId": {
    "name": "id",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    }
   },
   "IfNoneMatch": {
    "name": "If-None-Match",
    "in": "header",
    "required": false,
    "description": "An ETag from an earlier response: 304 when it still matches.",
    "schema": {
     "type": "string"
    }
   }
  }
 }
}
)OPENAPI";

// The fields of an OpenAPI 3.0.3 Path Item Object that are operations.
constexpr std::array<std::string_view, 8> kMethods = {"get", "put", "post", "delete",
                                                     "options", "head", "patch", "trace"};

}  // namespace

std::string_view OpenApiDocument() { return kDocument; }

std::vector<std::pair<std::string, std::string>> OpenApiOperations() {
  std::vector<std::pair<std::string, std::string>> operations;
  auto doc = json::Parse(kDocument, "OpenAPI document");
  if (!doc.ok() || !doc->is_object()) return operations;
  auto paths = doc->find("paths");
  if (paths == doc->end() || !paths->is_object()) return operations;
  for (const auto& [path, item] : paths->items()) {
    if (!item.is_object()) continue;
    for (std::string_view method : kMethods) {
      if (!item.contains(std::string(method))) continue;
      std::string upper(method);
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      operations.emplace_back(std::move(upper), path);
    }
  }
  std::sort(operations.begin(), operations.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  });
  return operations;
}

}  // namespace ec::service
