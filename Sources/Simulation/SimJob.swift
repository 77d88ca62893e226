import SlurmKit

/// One job in a lane's chain, decided entirely by (seed, lane, index) and the previous job's end.
struct SimJob: Sendable {
    var id: Int
    var lane: Int
    var name: String
    var user: String
    var account: String
    var submit: Int64
    var start: Int64
    var end: Int64
    var timeLimit: Int
    var finalState: JobState
    var exitCode: Int
    var signal: Int
    /// Never started: cancelled while pending (at `start`).
    var cancelledPending: Bool
    var pendingReason: String
    var dependency: String?
    /// Set while a hold is in force (the job is held until shortly before it starts).
    var heldUntil: Int64?
}

/// The plain facts of one lane (a slice of one node, or a pair of nodes for MPI jobs).
struct Lane: Sendable {
    var index: Int
    var nodeIndexes: [Int]
    var partition: String
    var cpusPerNode: Int
    var memoryPerNodeMB: Int
    var gpusPerNode: Int
    var gpuType: String?
    var maxTime: Int
}

enum Cast {
    static let users: [(user: String, account: String)] = [
        ("alice", "physics"), ("bob", "chemistry"), ("carol", "biology"), ("dave", "physics"),
        ("erin", "cs"), ("frank", "chemistry"), ("grace", "cs"), ("heidi", "biology"),
        ("ivan", "physics"), ("judy", "cs"), ("mallory", "math"), ("olivia", "math"),
    ]

    static let cpuNames = [
        "md-sim", "analysis", "lammps_run", "postprocess", "gromacs npt", "mesh|refine", "sweep-α",
        "wrf_forecast", "blast_search", "monte-carlo", "fem solve", "hello-batch",
    ]
    static let gpuNames = [
        "train-resnet", "finetune-llama", "diffusion_v2", "alphafold", "bert-pretrain", "inference|eval",
        "nerf-scene", "whisper-large",
    ]
    static let memNames = ["assembly-spades", "genome_index", "bigdata-join", "pandas notebook", "spark-shuffle"]
}
