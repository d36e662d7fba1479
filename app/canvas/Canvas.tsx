import { useCallback, useEffect, useMemo, useRef } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type OnConnectStartParams,
} from '@xyflow/react';
import { checkConnection } from '../../nodes/connection.ts';
import { getKind } from '../../nodes/registry.ts';
import { useI18n } from '../i18n/i18n.ts';
import { commit, localText, toast, update, useEditor, type XY } from '../store/editor-store.ts';
import { connect, moveNodes } from '../store/graph-actions.ts';
import { translate } from '../i18n/i18n.ts';
import { createEdgeAdapter, createNodeAdapter, type FlowNode } from './rf-adapter.ts';
import { FlowNodeView } from './FlowNodeView.tsx';
import { WireLine } from './WireLine.tsx';
import { handleCanvasDrop } from './canvas-drop.ts';
import { READABLE_FIT, registerViewport } from './viewport.ts';
import { keepApart } from './keep-apart.ts';
import { setDragPositions, useDrag } from './drag-store.ts';
import { CompactContext, zoomedOut } from './lod.ts';

const nodeTypes = { fooocus: FlowNodeView };

/**
 * From this many nodes on, only the nodes and wires in view are in the DOM. A screen never shows
 * more than a few dozen nodes at a readable zoom, and with all of a 1000-node graph mounted, every
 * drag frame ran each node's store selectors: main-thread CPU per mouse move 58 → 15 ms when only
 * the visible ones are (bench/editor.ts). Small graphs (every template) keep all nodes mounted.
 */
const LARGE_GRAPH = 200;

/** The drag's end: every dragged node's last position goes into the document as one step. */
function endDrag(finals: Record<string, XY>): void {
  moveNodes({ ...useDrag.getState().positions, ...finals });
  setDragPositions(null);
}
const SNAP: [number, number] = [16, 16];
const FIT_OPTIONS = READABLE_FIT;
const PRO = { hideAttribution: true };
const MINIMAP_STYLE = { width: 160, height: 100 };

export function Canvas() {
  const { t } = useI18n();
  const rf = useReactFlow<FlowNode>();
  const nodeAdapter = useMemo(() => createNodeAdapter(), []);
  const edgeAdapter = useMemo(() => createEdgeAdapter(), []);
  // The adapters return the previous array when nothing React Flow shows changed, so a param edit
  // (a keystroke) neither re-renders the canvas nor makes React Flow re-adopt its nodes and edges.
  // A drag frame writes only the drag store, which only the canvas reads (see drag-store.ts).
  const dragPositions = useDrag((s) => s.positions);
  const nodes = useEditor(useCallback((s) => nodeAdapter(s, dragPositions), [nodeAdapter, dragPositions]));
  const edges = useEditor(edgeAdapter);
  const theme = useEditor((s) => s.theme);
  const focusRequest = useEditor((s) => s.focusRequest);
  const compact = useStore(zoomedOut);
  const reconnecting = useRef(false);
  const reconnectingEdge = useRef<string | null>(null);

  useEffect(() => registerViewport(rf), [rf]);

  useEffect(() => {
    if (!focusRequest) return;
    const n = useEditor.getState().doc.nodes.find((x) => x.id === focusRequest.nodeId);
    if (!n) return;
    const m = useEditor.getState().measured[n.id];
    void rf.setCenter(n.position.x + (m?.width ?? 200) / 2, n.position.y + (m?.height ?? 100) / 2, {
      zoom: Math.max(rf.getZoom(), 0.9),
      duration: 250,
    });
    const el = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(n.id)}"]`);
    el?.focus({ preventScroll: true });
  }, [focusRequest, rf]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const finals: Record<string, XY> = {};
    let hasFinal = false;
    let dragged: Record<string, XY> | null = null;
    for (const c of changes)
      if (c.type === 'position' && c.position) {
        if (c.dragging) (dragged ??= { ...useDrag.getState().positions })[c.id] = c.position;
        else {
          finals[c.id] = c.position;
          hasFinal = true;
        }
      }
    if (dragged) setDragPositions(dragged);
    if (!changes.some((c) => c.type === 'select' || c.type === 'dimensions')) {
      if (hasFinal) endDrag(finals);
      return;
    }
    const resized: Record<string, { width: number; height: number } | undefined> = {};
    const measuredBefore = useEditor.getState().measured;
    for (const c of changes) if (c.type === 'dimensions') resized[c.id] = measuredBefore[c.id];
    update((s) => {
      for (const c of changes) {
        if (c.type === 'select') {
          if (c.selected) s.selectedNodes[c.id] = true;
          else delete s.selectedNodes[c.id];
        } else if (c.type === 'dimensions' && c.dimensions) {
          const old = s.measured[c.id];
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height)
            s.measured[c.id] = c.dimensions;
        }
      }
    });
    if (Object.keys(resized).length) keepApart(resized);
    if (hasFinal) endDrag(finals);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    update((s) => {
      for (const c of changes) {
        if (c.type === 'select') {
          if (c.selected) s.selectedEdges[c.id] = true;
          else delete s.selectedEdges[c.id];
        }
      }
    });
  }, []);

  const isValidConnection: IsValidConnection = useCallback((c) => {
    if (!c.sourceHandle || !c.targetHandle) return false;
    const doc = useEditor.getState().doc;
    const ignore = reconnectingEdge.current;
    const wf = ignore ? { nodes: doc.nodes, edges: doc.edges.filter((e) => e.id !== ignore) } : doc;
    return checkConnection(wf, {
      source: c.source,
      sourceHandle: c.sourceHandle,
      target: c.target,
      targetHandle: c.targetHandle,
    }).ok;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (!c.sourceHandle || !c.targetHandle) return;
    connect({
      source: c.source,
      sourceHandle: c.sourceHandle,
      target: c.target,
      targetHandle: c.targetHandle,
    });
  }, []);

  const onConnectStart = useCallback((_: unknown, p: OnConnectStartParams) => {
    if (!p.nodeId || !p.handleId || !p.handleType) return;
    update((s) => {
      s.pending = { nodeId: p.nodeId!, handleId: p.handleId!, handleType: p.handleType! };
    });
  }, []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, cs: FinalConnectionState) => {
      const pending = useEditor.getState().pending;
      update((s) => {
        s.pending = null;
      });
      if (!pending || reconnecting.current) return;
      if (cs.toHandle && !cs.isValid && cs.toHandle.id) {
        const from = pending;
        const to = cs.toHandle;
        const attempt =
          from.handleType === 'source'
            ? { source: from.nodeId, sourceHandle: from.handleId, target: to.nodeId, targetHandle: to.id! }
            : { source: to.nodeId, sourceHandle: to.id!, target: from.nodeId, targetHandle: from.handleId };
        const v = checkConnection(useEditor.getState().doc, attempt);
        if (!v.ok) toast('error', translate(useEditor.getState().lang, 'toast.refused'), localText(v.reason));
        return;
      }
      const target = event.target as Element | null;
      if (!cs.toHandle && target?.classList.contains('react-flow__pane')) {
        const pt = 'changedTouches' in event ? event.changedTouches[0]! : event;
        const position = rf.screenToFlowPosition({ x: pt.clientX, y: pt.clientY });
        update((s) => {
          s.search = { mode: 'wire', position, from: pending };
        });
      }
    },
    [rf],
  );

  // Reconnect: dragging a wire's end elsewhere moves it; dropping it on empty canvas deletes it.
  const onReconnectStart = useCallback((_: unknown, edge: Edge) => {
    reconnecting.current = true;
    reconnectingEdge.current = edge.id;
  }, []);
  const onReconnect = useCallback((old: Edge, c: Connection) => {
    reconnectingEdge.current = null;
    if (!c.sourceHandle || !c.targetHandle) return;
    const doc = useEditor.getState().doc;
    const without = { nodes: doc.nodes, edges: doc.edges.filter((e) => e.id !== old.id) };
    const attempt = {
      source: c.source,
      sourceHandle: c.sourceHandle,
      target: c.target,
      targetHandle: c.targetHandle,
    };
    const v = checkConnection(without, attempt);
    if (!v.ok) {
      toast('error', translate(useEditor.getState().lang, 'toast.refused'), localText(v.reason));
      return;
    }
    commit((d) => {
      d.edges = d.edges.filter((e) => e.id !== old.id && e.id !== v.replaces);
      d.edges.push({ id: old.id, ...attempt });
    });
  }, []);
  const onReconnectEnd = useCallback((_: unknown, edge: Edge, __: unknown, cs: FinalConnectionState) => {
    reconnecting.current = false;
    const wasPending = reconnectingEdge.current === edge.id;
    reconnectingEdge.current = null;
    update((s) => {
      s.pending = null;
    });
    if (wasPending && !cs.isValid) {
      commit((d) => {
        d.edges = d.edges.filter((e) => e.id !== edge.id);
      });
    }
  }, []);

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (
      e.dataTransfer.types.includes('application/x-fooocus-kind') ||
      e.dataTransfer.types.includes('Files') ||
      e.dataTransfer.types.includes('text/plain') // a request's text, dragged from a page
    ) {
      e.preventDefault();
      e.dataTransfer.dropEffect = e.dataTransfer.types.includes('Files') ? 'copy' : 'move';
    }
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      e.preventDefault();
      const position = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      void handleCanvasDrop(e.dataTransfer, position, e.target);
    },
    [rf],
  );

  const onDoubleClick = useCallback(
    (e: React.MouseEvent) => {
      if (!(e.target as Element).classList.contains('react-flow__pane')) return;
      const position = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      update((s) => {
        s.search = { mode: 'add', position };
      });
    },
    [rf],
  );

  return (
    <div className="canvas" onDoubleClick={onDoubleClick} data-testid="canvas">
      <CompactContext value={compact}>
        <ReactFlow<FlowNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectStart={onConnectStart}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onReconnect={onReconnect}
          onReconnectStart={onReconnectStart}
          onReconnectEnd={onReconnectEnd}
          edgesReconnectable
          onlyRenderVisibleElements={nodes.length > LARGE_GRAPH}
          onDragOver={onDragOver}
          onDrop={onDrop}
          connectionLineComponent={WireLine}
          colorMode={theme}
          snapToGrid
          snapGrid={SNAP}
          deleteKeyCode={null}
          panActivationKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Control', 'Meta']}
          zoomOnDoubleClick={false}
          fitView
          fitViewOptions={FIT_OPTIONS}
          minZoom={0.1}
          maxZoom={2.5}
          proOptions={PRO}
          aria-label={t('a11y.canvas')}
        >
          <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
          <MiniMap
            pannable
            zoomable
            ariaLabel={t('a11y.minimap')}
            nodeColor={minimapColor}
            style={MINIMAP_STYLE}
          />
          <Controls position="bottom-left" />
        </ReactFlow>
      </CompactContext>
    </div>
  );
}

function minimapColor(n: FlowNode): string {
  const role = getKind(n.data.kind)?.role;
  return role === 'source'
    ? '#3b82f6'
    : role === 'operation'
      ? '#a855f7'
      : role === 'enhance'
        ? '#f59e0b'
        : '#10b981';
}
