def build_second():
    settings = {"replicas": 3}
    return settings["replica_count"]
