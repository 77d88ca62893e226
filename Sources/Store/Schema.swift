/// The database schema as numbered, forward-only migrations.
///
/// The version lives in `PRAGMA user_version`. A migration is never edited once released: changes come as a new
/// entry. Every row is keyed by cluster so one database serves several clusters.
enum Schema {
    static let migrations: [String] = [
        // 1: the history model: polls, nodes (registry and current state), node_intervals written on change,
        // partitions, partition_samples per poll, jobs lifecycle.
        """
        CREATE TABLE polls (
            id INTEGER PRIMARY KEY,
            cluster TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            snapshot_at INTEGER,
            ok INTEGER NOT NULL,
            error TEXT,
            source TEXT NOT NULL,
            slurm_version TEXT,
            node_count INTEGER,
            job_count INTEGER,
            notes TEXT
        );
        CREATE INDEX polls_by_time ON polls(cluster, started_at);
        CREATE INDEX polls_ok_by_time ON polls(cluster, ok, snapshot_at);

        CREATE TABLE nodes (
            cluster TEXT NOT NULL,
            name TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            gone_at INTEGER,
            fingerprint INTEGER NOT NULL,
            state TEXT NOT NULL,
            category TEXT NOT NULL,
            cpus_alloc INTEGER NOT NULL,
            cpus_total INTEGER NOT NULL,
            cpus_effective INTEGER NOT NULL,
            cpu_load REAL,
            memory_mb INTEGER NOT NULL,
            memory_alloc_mb INTEGER NOT NULL,
            memory_free_mb INTEGER,
            gres TEXT NOT NULL,
            gres_used TEXT,
            gpus_total INTEGER NOT NULL,
            gpus_used INTEGER NOT NULL,
            features TEXT NOT NULL,
            partitions TEXT NOT NULL,
            reason TEXT,
            reason_user TEXT,
            reason_time INTEGER,
            last_busy INTEGER,
            boot_time INTEGER,
            PRIMARY KEY (cluster, name)
        ) WITHOUT ROWID;

        CREATE TABLE node_intervals (
            cluster TEXT NOT NULL,
            node TEXT NOT NULL,
            since INTEGER NOT NULL,
            until INTEGER,
            state TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY (cluster, node, since)
        ) WITHOUT ROWID;
        CREATE INDEX node_intervals_by_end ON node_intervals(cluster, until);
        CREATE UNIQUE INDEX node_intervals_open ON node_intervals(cluster, node) WHERE until IS NULL;

        CREATE TABLE partitions (
            cluster TEXT NOT NULL,
            name TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            gone_at INTEGER,
            state TEXT NOT NULL,
            is_default INTEGER NOT NULL,
            node_list TEXT NOT NULL,
            total_cpus INTEGER NOT NULL,
            total_nodes INTEGER NOT NULL,
            max_time INTEGER,
            priority_tier INTEGER NOT NULL,
            qos TEXT,
            position INTEGER NOT NULL,
            PRIMARY KEY (cluster, name)
        ) WITHOUT ROWID;

        CREATE TABLE partition_samples (
            cluster TEXT NOT NULL,
            partition TEXT NOT NULL,
            at INTEGER NOT NULL,
            nodes_total INTEGER NOT NULL,
            idle INTEGER NOT NULL,
            mixed INTEGER NOT NULL,
            allocated INTEGER NOT NULL,
            draining INTEGER NOT NULL,
            drained INTEGER NOT NULL,
            down INTEGER NOT NULL,
            reserved INTEGER NOT NULL,
            other INTEGER NOT NULL,
            cpus_alloc INTEGER NOT NULL,
            cpus_total INTEGER NOT NULL,
            memory_alloc_mb INTEGER NOT NULL,
            memory_total_mb INTEGER NOT NULL,
            gpus_used INTEGER NOT NULL,
            gpus_total INTEGER NOT NULL,
            jobs_running INTEGER NOT NULL,
            jobs_pending INTEGER NOT NULL,
            PRIMARY KEY (cluster, partition, at)
        ) WITHOUT ROWID;

        CREATE TABLE jobs (
            cluster TEXT NOT NULL,
            job_id INTEGER NOT NULL,
            fingerprint INTEGER NOT NULL,
            display_id TEXT,
            array_job_id INTEGER,
            array_task TEXT,
            het_job_id INTEGER,
            het_offset INTEGER,
            name TEXT NOT NULL,
            user TEXT NOT NULL,
            account TEXT,
            partition TEXT NOT NULL,
            qos TEXT,
            state TEXT NOT NULL,
            reason TEXT,
            submit_time INTEGER,
            start_time INTEGER,
            end_time INTEGER,
            time_limit INTEGER,
            node_count INTEGER NOT NULL,
            cpus INTEGER NOT NULL,
            memory_mb INTEGER,
            gres TEXT NOT NULL,
            gpus INTEGER NOT NULL,
            node_list TEXT,
            priority INTEGER,
            dependency TEXT,
            first_seen INTEGER NOT NULL,
            gone_at INTEGER,
            final_state TEXT,
            exit_code INTEGER,
            exit_signal INTEGER,
            ended_at INTEGER,
            PRIMARY KEY (cluster, job_id)
        ) WITHOUT ROWID;
        CREATE INDEX jobs_listed ON jobs(cluster, job_id, fingerprint) WHERE gone_at IS NULL;
        CREATE INDEX jobs_gone ON jobs(gone_at) WHERE gone_at IS NOT NULL;
        """,
        // 2: the index of intervals by end also holds state and reason, so the window /heatmap reads comes from the
        // index alone instead of one key lookup per interval (5× faster at 10,000 nodes).
        """
        DROP INDEX node_intervals_by_end;
        CREATE INDEX node_intervals_by_end ON node_intervals(cluster, until, state, reason);
        """,
        // 3: alerts. `watches` says who wants to hear about which jobs; `outbox` holds every alert from the moment
        // the poll that revealed it commits until Discord has it, keyed so the same alert can never be queued twice;
        // `jobs.end_noticed` marks the jobs whose end has been turned into alerts (or found to need none);
        // `jobs.peak_memory_mb` is accounting's MaxRSS, for the verdicts.
        """
        CREATE TABLE watches (
            id INTEGER PRIMARY KEY,
            cluster TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('job', 'user')),
            subject TEXT NOT NULL,
            discord_user TEXT NOT NULL,
            notify TEXT NOT NULL CHECK (notify IN ('dm', 'channel', 'webhook')),
            channel TEXT,
            warn INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            UNIQUE (cluster, kind, subject, discord_user)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            dedup_key TEXT NOT NULL UNIQUE,
            cluster TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            destination TEXT NOT NULL CHECK (destination IN ('dm', 'channel', 'webhook')),
            target TEXT NOT NULL,
            discord_user TEXT,
            payload TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            sent_at INTEGER,
            failed_at INTEGER,
            last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
        ALTER TABLE jobs ADD COLUMN end_noticed INTEGER;
        ALTER TABLE jobs ADD COLUMN peak_memory_mb INTEGER;
        CREATE INDEX jobs_ended_unnoticed ON jobs(cluster) WHERE end_noticed IS NULL
            AND (final_state IS NOT NULL OR gone_at IS NOT NULL);
        """,
        // 4: the latest snapshot's `ClusterFacts` per cluster, written in the snapshot's transaction: summaries
        // read this one row instead of every node and job. `version` is the encoding's; history stays in the
        // tables above.
        """
        CREATE TABLE cluster_facts (
            cluster TEXT PRIMARY KEY,
            snapshot_at INTEGER NOT NULL,
            version INTEGER NOT NULL,
            facts TEXT NOT NULL
        );
        """,
        // 5: which poll wrote the facts, so a reader that decoded them once knows when they changed (two polls
        // can print the same snapshot time).
        """
        ALTER TABLE cluster_facts ADD COLUMN poll_id INTEGER NOT NULL DEFAULT 0;
        """,
        // 6: the analyst's summaries, written by the poller when the free resources change, read by /summary;
        // `basis` is what the summary described (for the next one's "since"), `change_key` when to write anew.
        """
        CREATE TABLE summaries (
            id INTEGER PRIMARY KEY,
            cluster TEXT NOT NULL,
            snapshot_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            author TEXT NOT NULL,
            fallback TEXT,
            text TEXT NOT NULL,
            change_key TEXT NOT NULL,
            basis TEXT NOT NULL,
            posted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX summaries_by_time ON summaries(cluster, id);
        """,
        // 7: accounts linked by proof: a Discord user asks for a Slurm account (`/link`), gets a one-time code, and
        // a job named `slurmbot-link-CODE` owned by that account, seen by a poll before the code expires, completes
        // it. One row per person and cluster; `linked_at` is NULL while the proof is awaited.
        """
        CREATE TABLE links (
            cluster TEXT NOT NULL,
            discord_user TEXT NOT NULL,
            cluster_user TEXT NOT NULL,
            code TEXT NOT NULL UNIQUE,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            linked_at INTEGER,
            PRIMARY KEY (cluster, discord_user)
        );
        """,
        // 8: accounting's TotalCPU of each ended job, for the efficiency line of its end alert.
        """
        ALTER TABLE jobs ADD COLUMN cpu_seconds INTEGER;
        """,
    ]

    /// Brings the database to the newest schema, one migration per transaction.
    /// - Throws: `StoreError.schemaTooNew` when a newer slurmbot already migrated this file.
    static func migrate(_ connection: Connection) throws {
        let current = try connection.userVersion
        if current > migrations.count { throw StoreError.schemaTooNew(found: current, known: migrations.count) }
        for version in current..<migrations.count {
            try connection.transaction {
                try connection.execute(migrations[version])
                try connection.execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }
}
