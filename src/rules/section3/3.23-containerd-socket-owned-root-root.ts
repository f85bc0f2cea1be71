import { fileOwnershipRule } from "../kit/files";

export const containerdSocketOwnership = fileOwnershipRule({
  id: "3.23",
  slug: "containerd-socket-owned-root-root",
  title: "The containerd socket owned by root:root",
  level: 1,
  what: "the containerd socket",
  location: "containerdSocket",
  typical: "/run/containerd/containerd.sock",
  owner: "root",
  group: "root",
});
