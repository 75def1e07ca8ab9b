// Generated from ../contract by `npm run gen:types`. Do not edit: change the server's pydantic models.
export type paths = {
  "/api/health": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Health */
    get: operations["health_api_health_get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/ready": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Ready
     * @description Database (and Redis) reachable, every deployment answering through the conversation graph, and every
     *     deployment serving in the eyes of Ray Serve's controller (`serve:<name>` checks, only on a cluster).
     *
     *     `checks` is empty for callers who may not see the details (see the module docstring).
     */
    get: operations["ready_api_ready_get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/admin/audit": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Audit
     * @description The lifecycle actions, newest first (who, by name and email, when, what, on which version, why).
     */
    get: operations["audit_api_v1_admin_audit_get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/admin/models": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List Models
     * @description Every version of every engine: stage (live, canary, available), share of new conversations, scores, and
     *     `live`: its replies over the last 24 hours (turns, failed, fallbacks, time to first token p50/p99, thumbs),
     *     counted from the database.
     */
    get: operations["list_models_api_v1_admin_models_get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/admin/models/canary": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Canary
     * @description Send `percent` of new conversations to this version, sticky per conversation.
     */
    post: operations["canary_api_v1_admin_models_canary_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/admin/models/promote": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Promote
     * @description Make this version live. 409 `eval_gate_failed` (the comparison in `details`) unless it was evaluated and
     *     scores no worse than live beyond `llm.promote_tolerance`; `force` with a `reason` overrides.
     */
    post: operations["promote_api_v1_admin_models_promote_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/admin/models/rollback": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rollback
     * @description End the canary, or (with none) return to the previous live version: it takes all traffic again.
     */
    post: operations["rollback_api_v1_admin_models_rollback_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/admin/models/scores": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Scores
     * @description Store a version's evaluation figures (`csagent models eval` posts them), read by the promote gate.
     */
    post: operations["scores_api_v1_admin_models_scores_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/auth/guest": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start Guest
     * @description Start an anonymous customer session in the default organisation.
     */
    post: operations["start_guest_api_v1_auth_guest_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/auth/login": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Login
     * @description Sign in. Attempts per account are limited (429 `too_many_attempts`), known email or not, and a
     *     refused attempt costs no hash; a success clears the account's count.
     */
    post: operations["login_api_v1_auth_login_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/auth/logout": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Logout
     * @description End a sign-in: the token's whole family is revoked, so no token of it refreshes again.
     *
     *     An unknown, expired or already revoked token is answered 204 as well (as RFC 7009 does for revocation): the
     *     client signs out either way, and the answer says nothing about which tokens exist.
     */
    post: operations["logout_api_v1_auth_logout_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/auth/refresh": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Refresh
     * @description Rotate: the old token is revoked; presenting a revoked token revokes its whole family.
     */
    post: operations["refresh_api_v1_auth_refresh_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/auth/register": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Register */
    post: operations["register_api_v1_auth_register_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/conversations": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List Conversations */
    get: operations["list_conversations_api_v1_conversations_get"];
    put?: never;
    /** Create Conversation */
    post: operations["create_conversation_api_v1_conversations_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/conversations/{conversation_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get Conversation */
    get: operations["get_conversation_api_v1_conversations__conversation_id__get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/conversations/{conversation_id}/close": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Close */
    post: operations["close_api_v1_conversations__conversation_id__close_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/conversations/{conversation_id}/escalate": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Escalate
     * @description Hand the conversation to a person: records a local case and sets status `escalated`.
     */
    post: operations["escalate_api_v1_conversations__conversation_id__escalate_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/conversations/{conversation_id}/messages": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List Messages */
    get: operations["list_messages_api_v1_conversations__conversation_id__messages_get"];
    put?: never;
    /**
     * Send Message
     * @description Send a message and wait for the finished reply. Resending a client_message_id returns the stored pair.
     */
    post: operations["send_message_api_v1_conversations__conversation_id__messages_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/conversations/{conversation_id}/messages/{message_id}/feedback": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Feedback */
    post: operations["feedback_api_v1_conversations__conversation_id__messages__message_id__feedback_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/me": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Me */
    get: operations["me_api_v1_me_get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/chat/completions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Chat Completions */
    post: operations["chat_completions_v1_chat_completions_post"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/models": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List Models */
    get: operations["list_models_v1_models_get"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
};
export type webhooks = Record<string, never>;
export type components = {
  schemas: {
    /** AuditEntry */
    AuditEntry: {
      /** Action */
      action: string;
      /**
       * Actor Email
       * @description The acting user's email, when it has one.
       */
      actor_email: string | null;
      /** Actor Id */
      actor_id: string | null;
      /**
       * Actor Name
       * @description The acting user's display name; null when the user no longer exists.
       */
      actor_name: string | null;
      /** Actor Role */
      actor_role: string;
      /**
       * At
       * Format: date-time
       */
      at: string;
      /** Details */
      details: {
        [key: string]: unknown;
      };
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /** Name */
      name: string;
      /** Reason */
      reason: string | null;
      /** Version */
      version: string | null;
    };
    /** AuditPage */
    AuditPage: {
      /** Items */
      items: components["schemas"]["AuditEntry"][];
      /** Next Cursor */
      next_cursor: string | null;
    };
    /** CanaryIn */
    CanaryIn: {
      /** Name */
      name: string;
      /**
       * Percent
       * @description Share of new conversations, sticky per conversation.
       */
      percent: number;
      /** Reason */
      reason?: string | null;
      /** Version */
      version: string;
    };
    /**
     * Case
     * @description The conversation's hand-off to a person (contract v2).
     */
    Case: {
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /**
       * Number
       * @description The case number: made in the app until Salesforce's CaseNumber replaces it.
       */
      number: string;
      /**
       * Status
       * @description `queued`: stored, and will reach Salesforce when it can (never lost or duplicated); then the Case's state there. Without Salesforce the local case is `new`.
       * @default new
       * @enum {string}
       */
      status: "queued" | "new" | "open" | "closed";
      /** Url */
      url: string | null;
    };
    /** ChatCompletionRequest */
    ChatCompletionRequest: {
      /** Max Tokens */
      max_tokens?: number | null;
      /** Messages */
      messages: components["schemas"]["ChatMessage"][];
      /**
       * Model
       * @description `csagent`: the whole agent.
       */
      model: string;
      /**
       * Stream
       * @default false
       */
      stream: boolean;
      /** Temperature */
      temperature?: number | null;
    };
    /** ChatMessage */
    ChatMessage: {
      /** Content */
      content?: string | components["schemas"]["ContentPart"][] | null;
      /**
       * Role
       * @enum {string}
       */
      role: "system" | "developer" | "user" | "assistant";
    };
    /** Citation */
    Citation: {
      /** Id */
      id: string;
      /** Snippet */
      snippet: string;
      /** Title */
      title: string;
      /** Url */
      url: string | null;
    };
    /** ContentPart */
    ContentPart: {
      /** Text */
      text: string;
      /**
       * Type
       * @constant
       */
      type: "text";
    };
    /** Conversation */
    Conversation: {
      case: components["schemas"]["Case"] | null;
      /**
       * Channel
       * @enum {string}
       */
      channel: "web" | "mobile" | "api";
      /**
       * Created At
       * Format: date-time
       */
      created_at: string;
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /** Language */
      language: string;
      /**
       * Last Activity At
       * Format: date-time
       */
      last_activity_at: string;
      /**
       * Status
       * @enum {string}
       */
      status: "active" | "waiting" | "escalated" | "resolved" | "abandoned";
      /** Title */
      title: string;
    };
    /** ConversationIn */
    ConversationIn: {
      /**
       * Channel
       * @default web
       * @enum {string}
       */
      channel: "web" | "mobile" | "api";
      /** Language */
      language?: string | null;
      /**
       * Metadata
       * @description Free-form context (max 16 KiB as JSON).
       */
      metadata?: {
        [key: string]: unknown;
      } | null;
    };
    /** ConversationPage */
    ConversationPage: {
      /** Items */
      items: components["schemas"]["Conversation"][];
      /** Next Cursor */
      next_cursor: string | null;
    };
    /** EmotionMeta */
    EmotionMeta: {
      /** Label */
      label: string;
      /** Score */
      score: number;
    };
    /** ErrorBody */
    ErrorBody: {
      error: components["schemas"]["ErrorDetail"];
    };
    /** ErrorDetail */
    ErrorDetail: {
      /** Code */
      code: string;
      /** Details */
      details: {
        [key: string]: unknown;
      };
      /** Message */
      message: string;
      /** Request Id */
      request_id: string | null;
    };
    /** EscalateIn */
    EscalateIn: {
      /** Reason */
      reason?: string | null;
    };
    /** Exchange */
    Exchange: {
      message: components["schemas"]["Message"];
      reply: components["schemas"]["Message"];
    };
    /** FeedbackIn */
    FeedbackIn: {
      /** Comment */
      comment?: string | null;
      /**
       * Rating
       * @enum {string}
       */
      rating: "up" | "down";
    };
    /**
     * GateDetails
     * @description `details` of 409 `eval_gate_failed`: the comparison the promote gate made.
     */
    GateDetails: {
      /**
       * Candidate
       * @description The version that was to be promoted, `name@version`.
       */
      candidate: string;
      /**
       * Live
       * @description The live version, `name@version`.
       */
      live: string;
      /** Metrics */
      metrics: components["schemas"]["GateMetric"][];
      /**
       * Reason
       * @enum {string}
       */
      reason: "candidate_not_evaluated" | "live_not_evaluated" | "below_live";
      /** Tolerance */
      tolerance: number;
    };
    /**
     * GateErrorBody
     * @description A refused promote: 409 `eval_gate_failed` (or another conflict, such as `already_live`).
     */
    GateErrorBody: {
      error: components["schemas"]["GateErrorDetail"];
    };
    /** GateErrorDetail */
    GateErrorDetail: {
      /** Code */
      code: string;
      /**
       * Details
       * @description For `eval_gate_failed`, the gate's comparison; for other conflicts, their own details.
       */
      details:
        | components["schemas"]["GateDetails"]
        | {
            [key: string]: unknown;
          };
      /** Message */
      message: string;
      /** Request Id */
      request_id: string | null;
    };
    /**
     * GateMetric
     * @description One row of the promote gate's comparison.
     */
    GateMetric: {
      /** Candidate */
      candidate: number | null;
      /** Delta */
      delta: number | null;
      /** Live */
      live: number | null;
      /** Metric */
      metric: string;
      /** Passed */
      passed: boolean;
    };
    /** GuestIn */
    GuestIn: {
      /** Display Name */
      display_name?: string | null;
      /** Language */
      language?: string | null;
    };
    /** Health */
    Health: {
      /**
       * Status
       * @default ok
       * @constant
       */
      status: "ok";
    };
    /** HTTPValidationError */
    HTTPValidationError: {
      /** Detail */
      detail?: components["schemas"]["ValidationError"][];
    };
    /** IntentMeta */
    IntentMeta: {
      /** Confidence */
      confidence: number;
      /** Name */
      name: string;
    };
    /**
     * LiveMetrics
     * @description A version's replies over the last `window_hours` hours, counted from the stored replies (no Prometheus
     *     needed): what the admin table compares between canary and live.
     */
    LiveMetrics: {
      /**
       * Failed
       * @description Failed replies (a turn whose runner died before it ran is not counted).
       */
      failed: number;
      /**
       * Fallbacks
       * @description Replies written by a later engine of the chain after this one failed.
       */
      fallbacks: number;
      /**
       * Thumbs Down
       * @description Replies rated down by the customer.
       */
      thumbs_down: number;
      /**
       * Thumbs Up
       * @description Replies rated up by the customer.
       */
      thumbs_up: number;
      /**
       * Ttft P50 Ms
       * @description Median time to first token, ms; null with no timed reply.
       */
      ttft_p50_ms: number | null;
      /**
       * Ttft P99 Ms
       * @description 99th percentile time to first token (nearest rank), ms.
       */
      ttft_p99_ms: number | null;
      /**
       * Turns
       * @description Replies written (complete or failed).
       */
      turns: number;
      /**
       * Window Hours
       * @description The window the figures cover, ending now (24).
       */
      window_hours: number;
    };
    /** LoginIn */
    LoginIn: {
      /** Email */
      email: string;
      /** Password */
      password: string;
    };
    /**
     * LogoutIn
     * @description The refresh token of the sign-in to end: its whole family is revoked.
     */
    LogoutIn: {
      /** Refresh Token */
      refresh_token: string;
    };
    /** Message */
    Message: {
      /** Client Message Id */
      client_message_id: string | null;
      /** Content */
      content: string;
      /**
       * Conversation Id
       * Format: uuid
       */
      conversation_id: string;
      /**
       * Created At
       * Format: date-time
       */
      created_at: string;
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /** Meta */
      meta:
        | components["schemas"]["ReplyMeta"]
        | {
            [key: string]: unknown;
          };
      /**
       * Role
       * @enum {string}
       */
      role: "user" | "assistant" | "agent" | "system";
      /** Seq */
      seq: number;
      /**
       * Status
       * @enum {string}
       */
      status: "complete" | "streaming" | "failed";
    };
    /** MessageIn */
    MessageIn: {
      /**
       * Client Message Id
       * Format: uuid
       */
      client_message_id: string;
      /** Content */
      content: string;
    };
    /** MessagePage */
    MessagePage: {
      /** Has More */
      has_more: boolean;
      /** Items */
      items: components["schemas"]["Message"][];
    };
    /** ModelList */
    ModelList: {
      /** Engines */
      engines: components["schemas"]["ModelVersion"][];
    };
    /** ModelMeta */
    ModelMeta: {
      /** Name */
      name: string;
      /** Version */
      version: string;
    };
    /**
     * ModelScores
     * @description A version's evaluation figures (`csagent models eval`), as fractions 0-1; what the promote gate compares.
     */
    ModelScores: {
      /**
       * Evaluated At
       * Format: date-time
       */
      evaluated_at: string;
      /**
       * Figures
       * @description The other figures of the run (refuse recall, intent, p50 latency…).
       */
      figures: {
        [key: string]: number | null;
      };
      /**
       * Handoff Recall
       * @description Hand-off items the version offered a person for.
       */
      handoff_recall: number | null;
      /**
       * Items
       * @description Evaluation items the figures come from.
       */
      items: number;
      /**
       * Key Fact Accuracy
       * @description Answers with the key fact and a citation.
       */
      key_fact_accuracy: number | null;
    };
    /**
     * ModelVersion
     * @description One `name@version` of the registry and where it stands.
     */
    ModelVersion: {
      /**
       * Changed
       * @description The spec differs from the fingerprint recorded when the version was first used: the version is refused until its spec is restored (or the change gets a new version).
       */
      changed: boolean;
      /**
       * Fingerprint
       * @description sha256 of the version's spec as this server's registry holds it.
       */
      fingerprint: string;
      /**
       * In Chain
       * @description Whether the engine is a link of `llm.chain` (else it gets no traffic).
       */
      in_chain: boolean;
      /** Kind */
      kind: string;
      /** @description Its replies over the last day, read from the database. */
      live: components["schemas"]["LiveMetrics"];
      /** Name */
      name: string;
      /**
       * Previous
       * @description The version `rollback` returns to (the live one before a promote).
       */
      previous: boolean;
      scores: components["schemas"]["ModelScores"] | null;
      /**
       * Stage
       * @enum {string}
       */
      stage: "live" | "canary" | "available";
      /**
       * Traffic Percent
       * @description Share of new conversations it gets (live: 100 - canary).
       */
      traffic_percent: number;
      /** Version */
      version: string;
    };
    /** PromoteIn */
    PromoteIn: {
      /**
       * Force
       * @description Promote despite the evaluation gate; needs a reason.
       * @default false
       */
      force: boolean;
      /** Name */
      name: string;
      /** Reason */
      reason?: string | null;
      /** Version */
      version: string;
    };
    /** Readiness */
    Readiness: {
      /** Checks */
      checks: {
        [key: string]: string;
      };
      /** Ready */
      ready: boolean;
    };
    /** RefreshIn */
    RefreshIn: {
      /** Refresh Token */
      refresh_token: string;
    };
    /** RegisterIn */
    RegisterIn: {
      /** Display Name */
      display_name: string;
      /**
       * Email
       * Format: email
       */
      email: string;
      /** Language */
      language?: string | null;
      /** Password */
      password: string;
    };
    /**
     * ReplyMeta
     * @description `meta` of an assistant message: the contract's fields first, then our additions.
     */
    ReplyMeta: {
      /** Citations */
      citations: components["schemas"]["Citation"][];
      /** Confidence */
      confidence: number;
      emotion: components["schemas"]["EmotionMeta"] | null;
      /** Entities */
      entities: {
        [key: string]: unknown;
      }[];
      /** Escalation Reasons */
      escalation_reasons: string[];
      /** Escalation Suggested */
      escalation_suggested: boolean;
      /** Fallback From */
      fallback_from: string[];
      /** Guard */
      guard: {
        [key: string]: unknown;
      } | null;
      /** Index Version */
      index_version: string | null;
      intent: components["schemas"]["IntentMeta"];
      /** Language */
      language: string;
      /** Latency Ms */
      latency_ms: number;
      /**
       * Low Confidence
       * @default false
       */
      low_confidence: boolean;
      model: components["schemas"]["ModelMeta"];
      /** Quick Replies */
      quick_replies: string[];
      /**
       * Route
       * @default answer
       */
      route: string;
      sentiment: components["schemas"]["SentimentMeta"];
      timings: components["schemas"]["Timings"];
      /** Tokens */
      tokens: {
        [key: string]: number;
      };
      /** Ttft Ms */
      ttft_ms: number | null;
    };
    /** RollbackIn */
    RollbackIn: {
      /** Name */
      name: string;
      /** Reason */
      reason?: string | null;
    };
    /**
     * ScoresIn
     * @description A version's evaluation, posted by `csagent models eval` (or any evaluation job).
     */
    ScoresIn: {
      /** Figures */
      figures?: {
        [key: string]: number | null;
      };
      /**
       * Fingerprint
       * @description Fingerprint of the spec that was evaluated; refused when the server's registry differs.
       */
      fingerprint: string;
      /** Handoff Recall */
      handoff_recall: number;
      /** Items */
      items: number;
      /** Key Fact Accuracy */
      key_fact_accuracy: number;
      /** Name */
      name: string;
      /** Version */
      version: string;
    };
    /** SentimentMeta */
    SentimentMeta: {
      /**
       * Label
       * @enum {string}
       */
      label: "negative" | "neutral" | "positive";
      /** Score */
      score: number;
    };
    /** Session */
    Session: {
      /** Access Token */
      access_token: string;
      /** Expires In */
      expires_in: number;
      /** Refresh Token */
      refresh_token: string;
      /**
       * Token Type
       * @default bearer
       * @constant
       */
      token_type: "bearer";
      user: components["schemas"]["User"];
    };
    /** Timings */
    Timings: {
      /**
       * Generation Ms
       * @default 0
       */
      generation_ms: number;
      /**
       * Nlp Ms
       * @default 0
       */
      nlp_ms: number;
      /**
       * Retrieval Ms
       * @default 0
       */
      retrieval_ms: number;
      /**
       * Storage Ms
       * @default 0
       */
      storage_ms: number;
    };
    /** User */
    User: {
      /** Display Name */
      display_name: string;
      /** Email */
      email: string | null;
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /** Language */
      language: string;
      /**
       * Organization Id
       * Format: uuid
       */
      organization_id: string;
      /**
       * Role
       * @enum {string}
       */
      role: "customer" | "agent" | "admin";
    };
    /** ValidationError */
    ValidationError: {
      /** Context */
      ctx?: Record<string, never>;
      /** Input */
      input?: unknown;
      /** Location */
      loc: (string | number)[];
      /** Message */
      msg: string;
      /** Error Type */
      type: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
  health_api_health_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Health"];
        };
      };
    };
  };
  ready_api_ready_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Readiness"];
        };
      };
      /** @description Service Unavailable */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Readiness"];
        };
      };
    };
  };
  audit_api_v1_admin_audit_get: {
    parameters: {
      query?: {
        cursor?: string | null;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["AuditPage"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  list_models_api_v1_admin_models_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ModelList"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  canary_api_v1_admin_models_canary_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["CanaryIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ModelList"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  promote_api_v1_admin_models_promote_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PromoteIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ModelList"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["GateErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  rollback_api_v1_admin_models_rollback_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RollbackIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ModelList"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  scores_api_v1_admin_models_scores_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ScoresIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ModelList"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  start_guest_api_v1_auth_guest_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["GuestIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Session"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  login_api_v1_auth_login_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["LoginIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Session"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  logout_api_v1_auth_logout_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["LogoutIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  refresh_api_v1_auth_refresh_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RefreshIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Session"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  register_api_v1_auth_register_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RegisterIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Session"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  list_conversations_api_v1_conversations_get: {
    parameters: {
      query?: {
        cursor?: string | null;
        limit?: number;
        status?: ("active" | "waiting" | "escalated" | "resolved" | "abandoned") | null;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ConversationPage"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  create_conversation_api_v1_conversations_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ConversationIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Conversation"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  get_conversation_api_v1_conversations__conversation_id__get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conversation_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Conversation"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  close_api_v1_conversations__conversation_id__close_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conversation_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Conversation"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  escalate_api_v1_conversations__conversation_id__escalate_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conversation_id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["EscalateIn"] | null;
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Conversation"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  list_messages_api_v1_conversations__conversation_id__messages_get: {
    parameters: {
      query?: {
        after_seq?: number;
        limit?: number;
      };
      header?: never;
      path: {
        conversation_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["MessagePage"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  send_message_api_v1_conversations__conversation_id__messages_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conversation_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["MessageIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Exchange"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  feedback_api_v1_conversations__conversation_id__messages__message_id__feedback_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conversation_id: string;
        message_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["FeedbackIn"];
      };
    };
    responses: {
      /** @description Successful Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  me_api_v1_me_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["User"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorBody"];
        };
      };
    };
  };
  chat_completions_v1_chat_completions_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ChatCompletionRequest"];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": unknown;
        };
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["HTTPValidationError"];
        };
      };
    };
  };
  list_models_v1_models_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            [key: string]: unknown;
          };
        };
      };
    };
  };
}
