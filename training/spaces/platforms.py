"""HELP's device columns -> stable platform ids, with batch size and what kind of label each column holds.

Provenance of each statement: /work/shared/spec/search-spaces.md §5 (copied into the data set READMEs).
"""

GPU_NAMES = {
    "1080ti": ("gpu-gtx-1080ti", "NVIDIA GTX 1080 Ti"),
    "2080ti": ("gpu-rtx-2080ti", "NVIDIA RTX 2080 Ti"),
    "titan_rtx": ("gpu-titan-rtx", "NVIDIA Titan RTX"),
    "titanx": ("gpu-titan-x", "NVIDIA Titan X"),
    "titanxp": ("gpu-titan-xp", "NVIDIA Titan Xp"),
    "titan_xp": ("gpu-titan-xp", "NVIDIA Titan Xp"),
    "v100": ("gpu-tesla-v100", "NVIDIA Tesla V100"),
}
HELP_SRC = "HELP (HayeonLee/HELP @45f70eb9), collected by HELP's authors"
HWNB_SRC = "HW-NAS-Bench (GATECH-EIC/HW-NAS-Bench) via HELP (HayeonLee/HELP @45f70eb9)"

# column -> (id, description, batch, source); batch 1 for the CPU and phone columns is inferred (spec §5.1).
FIXED = {
    "gold_6226": ("cpu-xeon-gold-6226", "Intel Xeon Gold 6226 CPU, batch 1 (inferred), framework not stated", HELP_SRC),
    "gold_6240": ("cpu-xeon-gold-6240", "Intel Xeon Gold 6240 CPU, batch 1 (inferred), framework not stated", HELP_SRC),
    "silver_4114": ("cpu-xeon-silver-4114", "Intel Xeon Silver 4114 CPU, batch 1 (inferred)", HELP_SRC),
    "silver_4210r": ("cpu-xeon-silver-4210r", "Intel Xeon Silver 4210R CPU, batch 1 (inferred)", HELP_SRC),
    "pixel2": ("phone-pixel2", "Google Pixel 2 phone, integer-ms resolution", HELP_SRC),
    "samsung_a50": ("phone-samsung-a50", "Samsung Galaxy A50 phone, integer-ms resolution", HELP_SRC),
    "samsung_s7": ("phone-samsung-s7", "Samsung Galaxy S7 phone, integer-ms resolution", HELP_SRC),
    "essential_ph_1": ("phone-essential-ph1", "Essential Phone PH-1, integer-ms resolution", HELP_SRC),
    "pixel3": ("phone-pixel3", "Google Pixel 3 (HW-NAS-Bench, TFLite), batch 1", HWNB_SRC),
    "raspi4": ("raspi4", "Raspberry Pi 4 (HW-NAS-Bench, TFLite), batch 1", HWNB_SRC),
    "eyeriss": ("asic-eyeriss", "Eyeriss ASIC (HW-NAS-Bench, simulator estimate), batch 1", HWNB_SRC),
    "fpga": ("fpga-hwnas", "FPGA (HW-NAS-Bench, estimator), batch 1", HWNB_SRC),
}

# Columns whose labels are not a timing of the whole network, per space (spec §1.7, §2.5).
NOT_WHOLE_NETWORK = {
    # NB201: eyeriss / fpga are exactly additive per (edge, op): estimator outputs.
    "nb201": {"eyeriss", "fpga"},
    # FBNet: all four HW-NAS-Bench columns are sums of per-block lookup-table entries.
    "fbnet": {"eyeriss", "fpga", "pixel3", "raspi4"},
    "ofa": set(),
}


def platform_for(column, space):
    """(platform record, batch) for a HELP column name such as 'titan_rtx_32' or 'gold_6226'."""
    if column in FIXED:
        pid, description, source = FIXED[column]
        batch = 1
    else:
        gpu, _, batch_text = column.rpartition("_")
        if gpu not in GPU_NAMES or not batch_text.isdigit():
            raise ValueError("unknown HELP device column %r" % column)
        batch = int(batch_text)
        base, name = GPU_NAMES[gpu]
        pid = "%s-bs%d" % (base, batch)
        description = "%s, batch %d, framework not stated (PyTorch eager fp32 inferred)" % (name, batch)
        source = HELP_SRC
    whole = column not in NOT_WHOLE_NETWORK[space]
    record = {"id": pid, "description": description, "wholeNetwork": whole, "source": source, "batch": batch,
              "helpColumn": column}
    return record, batch
