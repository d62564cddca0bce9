namespace Workbench.Web.Data;

/// <summary>
/// The database schema as an append-only list of steps; <c>PRAGMA user_version</c> records how many ran.
/// Never edit a step that has shipped: add a new one.
/// </summary>
internal static class SchemaMigrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        // 1: the model library index and the roots added on the settings page.
        """
        CREATE TABLE models (
            id              TEXT PRIMARY KEY,
            primary_path    TEXT NOT NULL,
            fingerprint     TEXT NOT NULL,
            descriptor_json TEXT NOT NULL,
            scanned_at      TEXT NOT NULL
        );
        CREATE TABLE model_roots (
            path     TEXT PRIMARY KEY,
            added_at TEXT NOT NULL
        );
        """,

        // 2: keys for the OpenAI- and Ollama-compatible API; only a SHA-256 of each key is kept.
        """
        CREATE TABLE api_keys (
            id         TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            prefix     TEXT NOT NULL,
            key_hash   TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        """,

        // 3: saved chat conversations; messages go with their conversation.
        """
        CREATE TABLE conversations (
            id            TEXT PRIMARY KEY,
            title         TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            system_prompt TEXT NOT NULL,
            sampling_json TEXT NOT NULL,
            model_path    TEXT
        );
        CREATE INDEX conversations_by_update ON conversations (updated_at DESC);
        CREATE TABLE messages (
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            position        INTEGER NOT NULL,
            role            TEXT NOT NULL,
            content         TEXT NOT NULL,
            completion_json TEXT,
            incomplete      INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation_id, position)
        );
        """,
        // 4: the last measured load of each model: the estimate and llama.cpp's buffers per part, for later corrections.
        """
        CREATE TABLE load_measurements (
            model_id           TEXT PRIMARY KEY,
            fingerprint        TEXT,
            measured_at        TEXT NOT NULL,
            context_size       INTEGER NOT NULL,
            micro_batch        INTEGER NOT NULL,
            flash_attention    INTEGER NOT NULL,
            estimated_weights  INTEGER NOT NULL,
            measured_weights   INTEGER NOT NULL,
            estimated_kv_cache INTEGER NOT NULL,
            measured_kv_cache  INTEGER NOT NULL,
            estimated_compute  INTEGER NOT NULL,
            measured_compute   INTEGER NOT NULL
        );
        """,

        // 5: each conversation belongs to the principal that created it; earlier ones to the owner at this machine.
        """
        ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT 'local';
        CREATE INDEX conversations_by_owner ON conversations (owner, updated_at DESC);
        """,

        // 6: regenerated answers keep the earlier ones (the messages row holds the version shown, the others wait here);
        //    a conversation may keep one seed for every answer instead of a random one each.
        """
        ALTER TABLE messages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE answer_versions (
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            position        INTEGER NOT NULL,
            version         INTEGER NOT NULL,
            content         TEXT NOT NULL,
            completion_json TEXT,
            PRIMARY KEY (conversation_id, position, version)
        );
        ALTER TABLE conversations ADD COLUMN fixed_seed INTEGER NOT NULL DEFAULT 0;
        """,

        // 7: editing a user message starts a branch; the messages rows hold the branch shown, and each other edit of
        //    the message at a position waits here with everything that followed it (JSON: ConversationMessage list);
        //    a conversation keeps the context window chosen for it; the owner's defaults for new chats (one row).
        """
        ALTER TABLE conversations ADD COLUMN context_size INTEGER;
        CREATE TABLE chat_defaults (
            id            INTEGER PRIMARY KEY CHECK (id = 1),
            system_prompt TEXT NOT NULL,
            sampling_json TEXT NOT NULL,
            fixed_seed    INTEGER NOT NULL
        );
        ALTER TABLE messages ADD COLUMN branch INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE message_branches (
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            position        INTEGER NOT NULL,
            branch          INTEGER NOT NULL,
            messages_json   TEXT NOT NULL,
            PRIMARY KEY (conversation_id, position, branch)
        );
        """,

        // 8: the owner's choices about the fleet: a name for each machine, machines retired (refused when they
        //    connect) and models pinned to one machine. Machines are known by the name their worker reports.
        """
        CREATE TABLE fleet_workers (
            host_name  TEXT PRIMARY KEY,
            label      TEXT,
            retired_at TEXT
        );
        CREATE TABLE model_pins (
            model_path TEXT PRIMARY KEY,
            host_name  TEXT NOT NULL,
            pinned_at  TEXT NOT NULL
        );
        """,

        // 9: what was read of hub repositories' files, by repository, commit and path: compact GGUF headers,
        //    safetensors headers and small JSON files, so a repository seen once opens without reading them again.
        """
        CREATE TABLE hub_file_reads (
            repo       TEXT NOT NULL,
            revision   TEXT NOT NULL,
            path       TEXT NOT NULL,
            size       INTEGER NOT NULL,
            kind       TEXT NOT NULL,
            content    BLOB NOT NULL,
            bytes_read INTEGER NOT NULL,
            read_at    TEXT NOT NULL,
            PRIMARY KEY (repo, revision, path, kind)
        );
        CREATE INDEX hub_file_reads_by_age ON hub_file_reads (read_at);
        """,

        // 10: downloads from the hub, so one cut off by a restart resumes where its temporary files stopped.
        """
        CREATE TABLE downloads (
            id          TEXT PRIMARY KEY,
            repo        TEXT NOT NULL,
            revision    TEXT NOT NULL,
            commit_sha  TEXT NOT NULL,
            name        TEXT NOT NULL,
            kind        TEXT NOT NULL,
            files_json  TEXT NOT NULL,
            target      TEXT NOT NULL,
            destination TEXT NOT NULL,
            state       TEXT NOT NULL,
            error       TEXT,
            created_at  TEXT NOT NULL,
            finished_at TEXT
        );
        """,

        // 11: settings the owner changes on the Settings page that override configuration (one row per setting).
        """
        CREATE TABLE dashboard_settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,

        // 12: GPU layers, KV cache type and flash attention chosen by hand for a conversation (JSON: LoadOverrides).
        """
        ALTER TABLE conversations ADD COLUMN load_json TEXT;
        """,
    ];
}
