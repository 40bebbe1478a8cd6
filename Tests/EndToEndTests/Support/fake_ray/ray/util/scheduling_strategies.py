class NodeAffinitySchedulingStrategy:
    def __init__(self, node_id, soft):
        assert soft is False, "the probe pins each task to its node"
        self.node_id, self.soft = node_id, soft
