<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" sessionFeatures="pro" version="3">
	<group>Countdown</group>
	<group>Empty group</group>
	<group>royalty_free</group>
    <media>
        <name>024b_fn_079_v01_1-98.mov</name>
		<locators>
			<path>C:\Documents and Settings\Jonathon Mah\Desktop\test_files\movies\024b_fn_079_v01_1-98.mov</path>
			<shortHash>0d67dc935a31f4b22c0c8dac47d11cc6ca728f52</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
		<annotation frame="1">
			<circle id="f64b9682-44cf-4102-9d7d-791098b58942:53" color="#0500ff" alpha="1">
				<startPoint x="0.574331" y="0.438424" />
				<endPoint x="0.635272" y="0.591133" />
			</circle>
			<arrow id="f64b9682-44cf-4102-9d7d-791098b58942:51" color="#0500ff" alpha="1">
				<startPoint x="0.578024" y="0.430213" />
				<endPoint x="0.578947" y="0.426929" />
				<special value="false" />
			</arrow>
			<arrow id="f64b9682-44cf-4102-9d7d-791098b58942:51" color="#0500ff" alpha="1">
				<startPoint x="0.578024" y="0.430213" />
				<endPoint x="0.578947" y="0.826929" />
				<special value="true" />
				<flipSide value="true" />
				<reverse value="true" />
			</arrow>
			<line thickness="0.0025" id="5e53e0b7-da8e-46cb-86c6-fd9a18415e38:0" color="#0500ff" alpha="1">
				<point x="0.123005" y="0.861702" alpha="1.0" />
				<point x="0.123005" y="0.861702" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="ae8233dc-cf77-4c94-a22e-398df9d341ff:0" color="#0500ff" alpha="1">
				<point x="0.105053" y="0.858156" alpha="1.0" />
				<point x="0.105053" y="0.858156" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="ea364441-321d-4708-8afe-9a61ad25aefe:0" color="#0500ff" alpha="1">
				<point x="0.251389" y="0.831276" alpha="1.0" />
				<point x="0.251389" y="0.831276" alpha="1.0" />
			</line>
			<line thickness="0.04" id="093e5283-12e0-461c-9d53-19bd4c0314db:0" color="#0500ff" alpha="1">
				<point x="0.050000" y="0.822222" alpha="1.0" />
				<point x="0.050000" y="0.822222" alpha="1.0" />
			</line>
			<line thickness="0.005" id="ffb4f87d-0d03-42e6-82b0-c1993d656fd2:0" color="#0500ff" alpha="1">
				<point x="0.124629" y="0.742574" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="38">
			<text id="f64b9682-44cf-4102-9d7d-791098b58942:22">
				<startPoint x="0.624192" y="0.326765" />
				<endPoint x="0.791320" y="0.093596" />
				<background color="#383854" alpha="1" />
				<foreground color="#ffffff" alpha="1" />
				<p>please delay the camera move to frame 45</p>
			</text>
			<text id="f64b9682-44cf-4102-9d7d-791098b58942:28">
				<startPoint x="0.624192" y="0.326765" />
				<endPoint x="0.791320" y="0.093596" />
				<background color="#383854" alpha="1" />
				<foreground color="#fabcea" alpha="1" />
				<p>something with a&#x0A;newline or&#x0A;two</p>
			</text>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:36" color="#ff2209" alpha="1">
				<point x="0.886396" y="0.125442" alpha="1.0" />
				<point x="0.886396" y="0.125442" alpha="1.0" />
				<point x="0.886396" y="0.130742" alpha="1.0" />
				<point x="0.886396" y="0.134276" alpha="1.0" />
				<point x="0.889974" y="0.134276" alpha="1.0" />
				<point x="0.893551" y="0.134276" alpha="1.0" />
				<point x="0.897129" y="0.132509" alpha="1.0" />
				<point x="0.900707" y="0.132509" alpha="1.0" />
				<point x="0.900707" y="0.128975" alpha="1.0" />
				<point x="0.901899" y="0.125442" alpha="1.0" />
				<point x="0.901899" y="0.121908" alpha="1.0" />
				<point x="0.901899" y="0.118375" alpha="1.0" />
				<point x="0.898322" y="0.116608" alpha="1.0" />
				<point x="0.900707" y="0.113074" alpha="1.0" />
				<point x="0.900707" y="0.109541" alpha="1.0" />
				<point x="0.900707" y="0.106007" alpha="1.0" />
				<point x="0.899514" y="0.102473" alpha="1.0" />
				<point x="0.895936" y="0.100707" alpha="1.0" />
				<point x="0.891166" y="0.098940" alpha="1.0" />
				<point x="0.887588" y="0.098940" alpha="1.0" />
			</line>
			<erase thickness="0.0025" id="b22b86fb-2e9e-4a97-92cc-2950e3fce6b3:11">
				<point x="0.392544" y="0.138402" />
				<point x="0.391082" y="0.134503" />
				<point x="0.385234" y="0.130604" />
				<point x="0.377924" y="0.128655" />
				<point x="0.367690" y="0.126706" />
			</erase>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:37" color="#ff2209" alpha="1">
				<point x="0.926943" y="0.127208" alpha="1.0" />
				<point x="0.926943" y="0.127208" alpha="1.0" />
				<point x="0.925751" y="0.130742" alpha="1.0" />
				<point x="0.920981" y="0.130742" alpha="1.0" />
				<point x="0.917403" y="0.130742" alpha="1.0" />
				<point x="0.917403" y="0.127208" alpha="1.0" />
				<point x="0.916210" y="0.123675" alpha="1.0" />
				<point x="0.916210" y="0.120141" alpha="1.0" />
				<point x="0.919788" y="0.118375" alpha="1.0" />
				<point x="0.923366" y="0.118375" alpha="1.0" />
				<point x="0.923366" y="0.121908" alpha="1.0" />
				<point x="0.925751" y="0.113074" alpha="1.0" />
				<point x="0.925751" y="0.109541" alpha="1.0" />
				<point x="0.925751" y="0.106007" alpha="1.0" />
				<point x="0.925751" y="0.102473" alpha="1.0" />
				<point x="0.925751" y="0.098940" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="39">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:32" color="#ff2209" alpha="1">
				<point x="0.895936" y="0.137809" alpha="1.0" />
				<point x="0.895936" y="0.137809" alpha="1.0" />
				<point x="0.895936" y="0.134276" alpha="1.0" />
				<point x="0.895936" y="0.130742" alpha="1.0" />
				<point x="0.894744" y="0.125442" alpha="1.0" />
				<point x="0.894744" y="0.121908" alpha="1.0" />
				<point x="0.891166" y="0.113074" alpha="1.0" />
				<point x="0.889974" y="0.109541" alpha="1.0" />
				<point x="0.894744" y="0.109541" alpha="1.0" />
				<point x="0.901899" y="0.107774" alpha="1.0" />
				<point x="0.905477" y="0.106007" alpha="1.0" />
				<point x="0.909055" y="0.106007" alpha="1.0" />
				<point x="0.912633" y="0.106007" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:33" color="#ff2209" alpha="1">
				<point x="0.904284" y="0.128975" alpha="1.0" />
				<point x="0.904284" y="0.128975" alpha="1.0" />
				<point x="0.904284" y="0.123675" alpha="1.0" />
				<point x="0.903092" y="0.116608" alpha="1.0" />
				<point x="0.903092" y="0.111307" alpha="1.0" />
				<point x="0.900707" y="0.106007" alpha="1.0" />
				<point x="0.899514" y="0.102473" alpha="1.0" />
				<point x="0.899514" y="0.098940" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:34" color="#ff2209" alpha="1">
				<point x="0.923366" y="0.132509" alpha="1.0" />
				<point x="0.923366" y="0.132509" alpha="1.0" />
				<point x="0.920981" y="0.125442" alpha="1.0" />
				<point x="0.918595" y="0.120141" alpha="1.0" />
				<point x="0.916210" y="0.114841" alpha="1.0" />
				<point x="0.913825" y="0.109541" alpha="1.0" />
				<point x="0.912633" y="0.106007" alpha="1.0" />
				<point x="0.912633" y="0.102473" alpha="1.0" />
				<point x="0.915018" y="0.097173" alpha="1.0" />
				<point x="0.918595" y="0.095406" alpha="1.0" />
				<point x="0.925751" y="0.095406" alpha="1.0" />
				<point x="0.930521" y="0.107774" alpha="1.0" />
				<point x="0.930521" y="0.111307" alpha="1.0" />
				<point x="0.930521" y="0.114841" alpha="1.0" />
				<point x="0.930521" y="0.120141" alpha="1.0" />
				<point x="0.930521" y="0.125442" alpha="1.0" />
				<point x="0.931714" y="0.132509" alpha="1.0" />
				<point x="0.931714" y="0.136042" alpha="1.0" />
				<point x="0.928136" y="0.137809" alpha="1.0" />
				<point x="0.926943" y="0.134276" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="40">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:29" color="#ff2209" alpha="1">
				<point x="0.898322" y="0.132509" alpha="1.0" />
				<point x="0.898322" y="0.132509" alpha="1.0" />
				<point x="0.897129" y="0.128975" alpha="1.0" />
				<point x="0.892359" y="0.118375" alpha="1.0" />
				<point x="0.891166" y="0.114841" alpha="1.0" />
				<point x="0.892359" y="0.111307" alpha="1.0" />
				<point x="0.904284" y="0.109541" alpha="1.0" />
				<point x="0.909055" y="0.109541" alpha="1.0" />
				<point x="0.912633" y="0.109541" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:30" color="#ff2209" alpha="1">
				<point x="0.903092" y="0.127208" alpha="1.0" />
				<point x="0.903092" y="0.127208" alpha="1.0" />
				<point x="0.900707" y="0.116608" alpha="1.0" />
				<point x="0.898322" y="0.102473" alpha="1.0" />
				<point x="0.894744" y="0.093640" alpha="1.0" />
				<point x="0.892359" y="0.088339" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:31" color="#ff2209" alpha="1">
				<point x="0.918595" y="0.130742" alpha="1.0" />
				<point x="0.918595" y="0.130742" alpha="1.0" />
				<point x="0.918595" y="0.121908" alpha="1.0" />
				<point x="0.918595" y="0.116608" alpha="1.0" />
				<point x="0.918595" y="0.113074" alpha="1.0" />
				<point x="0.918595" y="0.109541" alpha="1.0" />
				<point x="0.918595" y="0.106007" alpha="1.0" />
				<point x="0.918595" y="0.102473" alpha="1.0" />
				<point x="0.918595" y="0.098940" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="41">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:26" color="#ff2209" alpha="1">
				<point x="0.891166" y="0.137809" alpha="1.0" />
				<point x="0.891166" y="0.137809" alpha="1.0" />
				<point x="0.889974" y="0.134276" alpha="1.0" />
				<point x="0.887588" y="0.127208" alpha="1.0" />
				<point x="0.884011" y="0.121908" alpha="1.0" />
				<point x="0.882818" y="0.118375" alpha="1.0" />
				<point x="0.882818" y="0.111307" alpha="1.0" />
				<point x="0.887588" y="0.111307" alpha="1.0" />
				<point x="0.901899" y="0.111307" alpha="1.0" />
				<point x="0.906670" y="0.111307" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:27" color="#ff2209" alpha="1">
				<point x="0.901899" y="0.125442" alpha="1.0" />
				<point x="0.901899" y="0.125442" alpha="1.0" />
				<point x="0.894744" y="0.104240" alpha="1.0" />
				<point x="0.894744" y="0.100707" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:28" color="#ff2209" alpha="1">
				<point x="0.917403" y="0.132509" alpha="1.0" />
				<point x="0.917403" y="0.132509" alpha="1.0" />
				<point x="0.922173" y="0.137809" alpha="1.0" />
				<point x="0.928136" y="0.139576" alpha="1.0" />
				<point x="0.934099" y="0.139576" alpha="1.0" />
				<point x="0.938869" y="0.139576" alpha="1.0" />
				<point x="0.940062" y="0.134276" alpha="1.0" />
				<point x="0.940062" y="0.127208" alpha="1.0" />
				<point x="0.940062" y="0.121908" alpha="1.0" />
				<point x="0.936484" y="0.114841" alpha="1.0" />
				<point x="0.934099" y="0.111307" alpha="1.0" />
				<point x="0.924558" y="0.104240" alpha="1.0" />
				<point x="0.919788" y="0.102473" alpha="1.0" />
				<point x="0.916210" y="0.100707" alpha="1.0" />
				<point x="0.911440" y="0.098940" alpha="1.0" />
				<point x="0.929329" y="0.097173" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="42">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:23" color="#ff2209" alpha="1">
				<point x="0.895936" y="0.143110" alpha="1.0" />
				<point x="0.895936" y="0.143110" alpha="1.0" />
				<point x="0.893551" y="0.137809" alpha="1.0" />
				<point x="0.891166" y="0.132509" alpha="1.0" />
				<point x="0.887588" y="0.125442" alpha="1.0" />
				<point x="0.882818" y="0.116608" alpha="1.0" />
				<point x="0.882818" y="0.113074" alpha="1.0" />
				<point x="0.887588" y="0.113074" alpha="1.0" />
				<point x="0.892359" y="0.113074" alpha="1.0" />
				<point x="0.898322" y="0.113074" alpha="1.0" />
				<point x="0.906670" y="0.113074" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:24" color="#ff2209" alpha="1">
				<point x="0.898322" y="0.127208" alpha="1.0" />
				<point x="0.898322" y="0.127208" alpha="1.0" />
				<point x="0.898322" y="0.116608" alpha="1.0" />
				<point x="0.898322" y="0.106007" alpha="1.0" />
				<point x="0.898322" y="0.102473" alpha="1.0" />
				<point x="0.898322" y="0.098940" alpha="1.0" />
				<point x="0.898322" y="0.095406" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:25" color="#ff2209" alpha="1">
				<point x="0.915018" y="0.130742" alpha="1.0" />
				<point x="0.915018" y="0.130742" alpha="1.0" />
				<point x="0.922173" y="0.134276" alpha="1.0" />
				<point x="0.925751" y="0.134276" alpha="1.0" />
				<point x="0.929329" y="0.134276" alpha="1.0" />
				<point x="0.934099" y="0.128975" alpha="1.0" />
				<point x="0.934099" y="0.125442" alpha="1.0" />
				<point x="0.934099" y="0.121908" alpha="1.0" />
				<point x="0.932906" y="0.118375" alpha="1.0" />
				<point x="0.928136" y="0.116608" alpha="1.0" />
				<point x="0.923366" y="0.114841" alpha="1.0" />
				<point x="0.918595" y="0.113074" alpha="1.0" />
				<point x="0.928136" y="0.111307" alpha="1.0" />
				<point x="0.929329" y="0.107774" alpha="1.0" />
				<point x="0.929329" y="0.104240" alpha="1.0" />
				<point x="0.929329" y="0.100707" alpha="1.0" />
				<point x="0.923366" y="0.095406" alpha="1.0" />
				<point x="0.919788" y="0.095406" alpha="1.0" />
				<point x="0.912633" y="0.098940" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="43">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:19" color="#ff2209" alpha="1">
				<point x="0.893551" y="0.143110" alpha="1.0" />
				<point x="0.893551" y="0.143110" alpha="1.0" />
				<point x="0.891166" y="0.136042" alpha="1.0" />
				<point x="0.887588" y="0.130742" alpha="1.0" />
				<point x="0.885203" y="0.127208" alpha="1.0" />
				<point x="0.884011" y="0.123675" alpha="1.0" />
				<point x="0.884011" y="0.120141" alpha="1.0" />
				<point x="0.887588" y="0.118375" alpha="1.0" />
				<point x="0.891166" y="0.118375" alpha="1.0" />
				<point x="0.895936" y="0.118375" alpha="1.0" />
				<point x="0.899514" y="0.118375" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:20" color="#ff2209" alpha="1">
				<point x="0.900707" y="0.130742" alpha="1.0" />
				<point x="0.900707" y="0.130742" alpha="1.0" />
				<point x="0.898322" y="0.127208" alpha="1.0" />
				<point x="0.898322" y="0.120141" alpha="1.0" />
				<point x="0.898322" y="0.114841" alpha="1.0" />
				<point x="0.898322" y="0.104240" alpha="1.0" />
				<point x="0.898322" y="0.098940" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:21" color="#ff2209" alpha="1">
				<point x="0.919788" y="0.146643" alpha="1.0" />
				<point x="0.919788" y="0.146643" alpha="1.0" />
				<point x="0.919788" y="0.143110" alpha="1.0" />
				<point x="0.919788" y="0.139576" alpha="1.0" />
				<point x="0.919788" y="0.136042" alpha="1.0" />
				<point x="0.919788" y="0.132509" alpha="1.0" />
				<point x="0.919788" y="0.121908" alpha="1.0" />
				<point x="0.919788" y="0.118375" alpha="1.0" />
				<point x="0.919788" y="0.114841" alpha="1.0" />
				<point x="0.924558" y="0.114841" alpha="1.0" />
				<point x="0.928136" y="0.114841" alpha="1.0" />
				<point x="0.931714" y="0.114841" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:22" color="#ff2209" alpha="1">
				<point x="0.925751" y="0.134276" alpha="1.0" />
				<point x="0.925751" y="0.134276" alpha="1.0" />
				<point x="0.925751" y="0.130742" alpha="1.0" />
				<point x="0.925751" y="0.127208" alpha="1.0" />
				<point x="0.925751" y="0.121908" alpha="1.0" />
				<point x="0.925751" y="0.116608" alpha="1.0" />
				<point x="0.925751" y="0.107774" alpha="1.0" />
				<point x="0.925751" y="0.104240" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="44">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:16" color="#ff2209" alpha="1">
				<point x="0.895936" y="0.141343" alpha="1.0" />
				<point x="0.895936" y="0.141343" alpha="1.0" />
				<point x="0.892359" y="0.134276" alpha="1.0" />
				<point x="0.889974" y="0.130742" alpha="1.0" />
				<point x="0.887588" y="0.125442" alpha="1.0" />
				<point x="0.887588" y="0.121908" alpha="1.0" />
				<point x="0.887588" y="0.118375" alpha="1.0" />
				<point x="0.892359" y="0.116608" alpha="1.0" />
				<point x="0.895936" y="0.116608" alpha="1.0" />
				<point x="0.906670" y="0.116608" alpha="1.0" />
				<point x="0.911440" y="0.116608" alpha="1.0" />
				<point x="0.915018" y="0.116608" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:17" color="#ff2209" alpha="1">
				<point x="0.907862" y="0.128975" alpha="1.0" />
				<point x="0.907862" y="0.128975" alpha="1.0" />
				<point x="0.907862" y="0.123675" alpha="1.0" />
				<point x="0.906670" y="0.116608" alpha="1.0" />
				<point x="0.905477" y="0.111307" alpha="1.0" />
				<point x="0.905477" y="0.104240" alpha="1.0" />
				<point x="0.905477" y="0.100707" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:18" color="#ff2209" alpha="1">
				<point x="0.931714" y="0.137809" alpha="1.0" />
				<point x="0.931714" y="0.137809" alpha="1.0" />
				<point x="0.930521" y="0.141343" alpha="1.0" />
				<point x="0.925751" y="0.141343" alpha="1.0" />
				<point x="0.922173" y="0.141343" alpha="1.0" />
				<point x="0.918595" y="0.141343" alpha="1.0" />
				<point x="0.918595" y="0.136042" alpha="1.0" />
				<point x="0.918595" y="0.130742" alpha="1.0" />
				<point x="0.918595" y="0.127208" alpha="1.0" />
				<point x="0.918595" y="0.123675" alpha="1.0" />
				<point x="0.922173" y="0.123675" alpha="1.0" />
				<point x="0.926943" y="0.123675" alpha="1.0" />
				<point x="0.931714" y="0.121908" alpha="1.0" />
				<point x="0.932906" y="0.118375" alpha="1.0" />
				<point x="0.932906" y="0.114841" alpha="1.0" />
				<point x="0.931714" y="0.111307" alpha="1.0" />
				<point x="0.928136" y="0.109541" alpha="1.0" />
				<point x="0.923366" y="0.107774" alpha="1.0" />
				<point x="0.912633" y="0.107774" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="45">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:13" color="#ff2209" alpha="1">
				<point x="0.894744" y="0.143110" alpha="1.0" />
				<point x="0.894744" y="0.143110" alpha="1.0" />
				<point x="0.892359" y="0.139576" alpha="1.0" />
				<point x="0.888781" y="0.132509" alpha="1.0" />
				<point x="0.887588" y="0.127208" alpha="1.0" />
				<point x="0.886396" y="0.123675" alpha="1.0" />
				<point x="0.889974" y="0.121908" alpha="1.0" />
				<point x="0.897129" y="0.121908" alpha="1.0" />
				<point x="0.907862" y="0.120141" alpha="1.0" />
				<point x="0.911440" y="0.120141" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:14" color="#ff2209" alpha="1">
				<point x="0.903092" y="0.139576" alpha="1.0" />
				<point x="0.903092" y="0.139576" alpha="1.0" />
				<point x="0.901899" y="0.134276" alpha="1.0" />
				<point x="0.899514" y="0.120141" alpha="1.0" />
				<point x="0.898322" y="0.114841" alpha="1.0" />
				<point x="0.895936" y="0.109541" alpha="1.0" />
				<point x="0.895936" y="0.106007" alpha="1.0" />
				<point x="0.895936" y="0.102473" alpha="1.0" />
				<point x="0.895936" y="0.098940" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:15" color="#ff2209" alpha="1">
				<point x="0.920981" y="0.137809" alpha="1.0" />
				<point x="0.920981" y="0.137809" alpha="1.0" />
				<point x="0.922173" y="0.134276" alpha="1.0" />
				<point x="0.919788" y="0.130742" alpha="1.0" />
				<point x="0.916210" y="0.125442" alpha="1.0" />
				<point x="0.913825" y="0.121908" alpha="1.0" />
				<point x="0.911440" y="0.118375" alpha="1.0" />
				<point x="0.909055" y="0.109541" alpha="1.0" />
				<point x="0.909055" y="0.106007" alpha="1.0" />
				<point x="0.913825" y="0.102473" alpha="1.0" />
				<point x="0.917403" y="0.102473" alpha="1.0" />
				<point x="0.920981" y="0.102473" alpha="1.0" />
				<point x="0.924558" y="0.102473" alpha="1.0" />
				<point x="0.925751" y="0.106007" alpha="1.0" />
				<point x="0.925751" y="0.109541" alpha="1.0" />
				<point x="0.922173" y="0.111307" alpha="1.0" />
				<point x="0.916210" y="0.114841" alpha="1.0" />
				<point x="0.907862" y="0.116608" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="46">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:10" color="#ff2209" alpha="1">
				<point x="0.893551" y="0.139576" alpha="1.0" />
				<point x="0.893551" y="0.139576" alpha="1.0" />
				<point x="0.893551" y="0.134276" alpha="1.0" />
				<point x="0.891166" y="0.127208" alpha="1.0" />
				<point x="0.889974" y="0.123675" alpha="1.0" />
				<point x="0.887588" y="0.120141" alpha="1.0" />
				<point x="0.887588" y="0.116608" alpha="1.0" />
				<point x="0.891166" y="0.116608" alpha="1.0" />
				<point x="0.894744" y="0.116608" alpha="1.0" />
				<point x="0.898322" y="0.116608" alpha="1.0" />
				<point x="0.901899" y="0.116608" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:11" color="#ff2209" alpha="1">
				<point x="0.899514" y="0.128975" alpha="1.0" />
				<point x="0.899514" y="0.128975" alpha="1.0" />
				<point x="0.898322" y="0.125442" alpha="1.0" />
				<point x="0.898322" y="0.121908" alpha="1.0" />
				<point x="0.898322" y="0.116608" alpha="1.0" />
				<point x="0.898322" y="0.113074" alpha="1.0" />
				<point x="0.898322" y="0.109541" alpha="1.0" />
				<point x="0.898322" y="0.106007" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:12" color="#ff2209" alpha="1">
				<point x="0.911440" y="0.139576" alpha="1.0" />
				<point x="0.911440" y="0.139576" alpha="1.0" />
				<point x="0.916210" y="0.139576" alpha="1.0" />
				<point x="0.923366" y="0.139576" alpha="1.0" />
				<point x="0.926943" y="0.139576" alpha="1.0" />
				<point x="0.931714" y="0.139576" alpha="1.0" />
				<point x="0.931714" y="0.134276" alpha="1.0" />
				<point x="0.930521" y="0.130742" alpha="1.0" />
				<point x="0.929329" y="0.125442" alpha="1.0" />
				<point x="0.928136" y="0.121908" alpha="1.0" />
				<point x="0.925751" y="0.116608" alpha="1.0" />
				<point x="0.924558" y="0.113074" alpha="1.0" />
				<point x="0.920981" y="0.109541" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="47">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:7" color="#ff2209" alpha="1">
				<point x="0.901899" y="0.137809" alpha="1.0" />
				<point x="0.901899" y="0.137809" alpha="1.0" />
				<point x="0.900707" y="0.132509" alpha="1.0" />
				<point x="0.895936" y="0.127208" alpha="1.0" />
				<point x="0.893551" y="0.121908" alpha="1.0" />
				<point x="0.892359" y="0.118375" alpha="1.0" />
				<point x="0.892359" y="0.114841" alpha="1.0" />
				<point x="0.898322" y="0.113074" alpha="1.0" />
				<point x="0.903092" y="0.113074" alpha="1.0" />
				<point x="0.906670" y="0.113074" alpha="1.0" />
				<point x="0.910247" y="0.111307" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:8" color="#ff2209" alpha="1">
				<point x="0.903092" y="0.132509" alpha="1.0" />
				<point x="0.903092" y="0.132509" alpha="1.0" />
				<point x="0.903092" y="0.125442" alpha="1.0" />
				<point x="0.903092" y="0.121908" alpha="1.0" />
				<point x="0.901899" y="0.116608" alpha="1.0" />
				<point x="0.901899" y="0.113074" alpha="1.0" />
				<point x="0.900707" y="0.109541" alpha="1.0" />
				<point x="0.900707" y="0.106007" alpha="1.0" />
				<point x="0.900707" y="0.102473" alpha="1.0" />
				<point x="0.900707" y="0.098940" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:9" color="#ff2209" alpha="1">
				<point x="0.924558" y="0.134276" alpha="1.0" />
				<point x="0.924558" y="0.134276" alpha="1.0" />
				<point x="0.919788" y="0.127208" alpha="1.0" />
				<point x="0.915018" y="0.123675" alpha="1.0" />
				<point x="0.915018" y="0.120141" alpha="1.0" />
				<point x="0.915018" y="0.116608" alpha="1.0" />
				<point x="0.918595" y="0.114841" alpha="1.0" />
				<point x="0.922173" y="0.111307" alpha="1.0" />
				<point x="0.925751" y="0.109541" alpha="1.0" />
				<point x="0.928136" y="0.106007" alpha="1.0" />
				<point x="0.928136" y="0.102473" alpha="1.0" />
				<point x="0.928136" y="0.098940" alpha="1.0" />
				<point x="0.924558" y="0.097173" alpha="1.0" />
				<point x="0.920981" y="0.098940" alpha="1.0" />
				<point x="0.916210" y="0.102473" alpha="1.0" />
				<point x="0.913825" y="0.106007" alpha="1.0" />
				<point x="0.911440" y="0.109541" alpha="1.0" />
				<point x="0.910247" y="0.113074" alpha="1.0" />
				<point x="0.911440" y="0.116608" alpha="1.0" />
				<point x="0.920981" y="0.120141" alpha="1.0" />
				<point x="0.924558" y="0.120141" alpha="1.0" />
				<point x="0.926943" y="0.123675" alpha="1.0" />
				<point x="0.926943" y="0.127208" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="48">
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:4" color="#ff2209" alpha="1">
				<point x="0.891166" y="0.148410" alpha="1.0" />
				<point x="0.891166" y="0.148410" alpha="1.0" />
				<point x="0.891166" y="0.144876" alpha="1.0" />
				<point x="0.891166" y="0.141343" alpha="1.0" />
				<point x="0.891166" y="0.137809" alpha="1.0" />
				<point x="0.889974" y="0.134276" alpha="1.0" />
				<point x="0.887588" y="0.125442" alpha="1.0" />
				<point x="0.891166" y="0.123675" alpha="1.0" />
				<point x="0.895936" y="0.123675" alpha="1.0" />
				<point x="0.900707" y="0.123675" alpha="1.0" />
				<point x="0.910247" y="0.121908" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:5" color="#ff2209" alpha="1">
				<point x="0.901899" y="0.137809" alpha="1.0" />
				<point x="0.901899" y="0.137809" alpha="1.0" />
				<point x="0.901899" y="0.132509" alpha="1.0" />
				<point x="0.901899" y="0.125442" alpha="1.0" />
				<point x="0.901899" y="0.114841" alpha="1.0" />
				<point x="0.899514" y="0.106007" alpha="1.0" />
				<point x="0.899514" y="0.100707" alpha="1.0" />
				<point x="0.898322" y="0.097173" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="06da811b-0b0d-4046-bc4b-31bc4f75c6ff:6" color="#ff2209" alpha="1">
				<point x="0.926943" y="0.139576" alpha="1.0" />
				<point x="0.926943" y="0.139576" alpha="1.0" />
				<point x="0.920981" y="0.141343" alpha="1.0" />
				<point x="0.917403" y="0.141343" alpha="1.0" />
				<point x="0.916210" y="0.137809" alpha="1.0" />
				<point x="0.915018" y="0.132509" alpha="1.0" />
				<point x="0.915018" y="0.128975" alpha="1.0" />
				<point x="0.915018" y="0.125442" alpha="1.0" />
				<point x="0.917403" y="0.120141" alpha="1.0" />
				<point x="0.920981" y="0.120141" alpha="1.0" />
				<point x="0.924558" y="0.120141" alpha="1.0" />
				<point x="0.926943" y="0.127208" alpha="1.0" />
				<point x="0.926943" y="0.130742" alpha="1.0" />
				<point x="0.926943" y="0.134276" alpha="1.0" />
				<point x="0.928136" y="0.123675" alpha="1.0" />
				<point x="0.928136" y="0.118375" alpha="1.0" />
				<point x="0.928136" y="0.113074" alpha="1.0" />
				<point x="0.928136" y="0.107774" alpha="1.0" />
				<point x="0.928136" y="0.104240" alpha="1.0" />
				<point x="0.928136" y="0.093640" alpha="1.0" />
				<point x="0.928136" y="0.090106" alpha="1.0" />
				<point x="0.928136" y="0.086572" alpha="1.0" />
			</line>
        </annotation>
        <annotation frame="49">
			<line thickness="0.0025" id="ea364441-321d-4708-8afe-9a61ad25aefe:1" color="#0500ff" alpha="1">
				<point x="0.901389" y="0.150206" alpha="1.0" />
				<point x="0.901389" y="0.150206" alpha="1.0" />
				<point x="0.897222" y="0.150206" alpha="1.0" />
				<point x="0.894444" y="0.150206" alpha="1.0" />
				<point x="0.891667" y="0.148148" alpha="1.0" />
				<point x="0.888889" y="0.148148" alpha="1.0" />
				<point x="0.886111" y="0.148148" alpha="1.0" />
				<point x="0.884722" y="0.144033" alpha="1.0" />
				<point x="0.884722" y="0.139918" alpha="1.0" />
				<point x="0.886111" y="0.135802" alpha="1.0" />
				<point x="0.886111" y="0.131687" alpha="1.0" />
				<point x="0.886111" y="0.127572" alpha="1.0" />
				<point x="0.888889" y="0.127572" alpha="1.0" />
				<point x="0.891667" y="0.127572" alpha="1.0" />
				<point x="0.894444" y="0.127572" alpha="1.0" />
				<point x="0.895833" y="0.123457" alpha="1.0" />
				<point x="0.895833" y="0.119342" alpha="1.0" />
				<point x="0.895833" y="0.115226" alpha="1.0" />
				<point x="0.895833" y="0.111111" alpha="1.0" />
				<point x="0.894444" y="0.106996" alpha="1.0" />
				<point x="0.891667" y="0.106996" alpha="1.0" />
				<point x="0.888889" y="0.106996" alpha="1.0" />
				<point x="0.884722" y="0.104938" alpha="1.0" />
				<point x="0.881944" y="0.104938" alpha="1.0" />
			</line>
			<line thickness="0.0025" id="ea364441-321d-4708-8afe-9a61ad25aefe:2" color="#0500ff" alpha="1">
				<point x="0.915278" y="0.141975" alpha="1.0" />
				<point x="0.915278" y="0.141975" alpha="1.0" />
				<point x="0.913889" y="0.131687" alpha="1.0" />
				<point x="0.913889" y="0.127572" alpha="1.0" />
				<point x="0.913889" y="0.123457" alpha="1.0" />
				<point x="0.913889" y="0.119342" alpha="1.0" />
				<point x="0.913889" y="0.115226" alpha="1.0" />
				<point x="0.913889" y="0.111111" alpha="1.0" />
				<point x="0.915278" y="0.106996" alpha="1.0" />
				<point x="0.918056" y="0.106996" alpha="1.0" />
				<point x="0.920833" y="0.104938" alpha="1.0" />
				<point x="0.923611" y="0.104938" alpha="1.0" />
				<point x="0.923611" y="0.109053" alpha="1.0" />
				<point x="0.923611" y="0.113169" alpha="1.0" />
				<point x="0.923611" y="0.117284" alpha="1.0" />
				<point x="0.923611" y="0.121399" alpha="1.0" />
				<point x="0.923611" y="0.125514" alpha="1.0" />
				<point x="0.923611" y="0.129630" alpha="1.0" />
				<point x="0.923611" y="0.133745" alpha="1.0" />
				<point x="0.923611" y="0.137860" alpha="1.0" />
				<point x="0.923611" y="0.141975" alpha="1.0" />
				<point x="0.920833" y="0.144033" alpha="1.0" />
				<point x="0.920833" y="0.148148" alpha="1.0" />
				<point x="0.916667" y="0.150206" alpha="1.0" />
				<point x="0.912500" y="0.152263" alpha="1.0" />
				<point x="0.909722" y="0.152263" alpha="1.0" />
				<point x="0.906944" y="0.152263" alpha="1.0" />
			</line>
        </annotation>
    </media>
    <media>
        <name>sample_mpeg4.mp4</name>
		<locators>
			<shortHash>e74db5de61fa5483c541a3a3056f22d158b44ace</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
    </media>
    <media>
        <name>Test_MH 2fps.mov</name>
		<locators>
			<shortHash>f9f0c5d3e3e340bcc9486abbb01a71089de9b886</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
    </media>
    <media>
        <name>CountdownRed_01.mov</name>
		<locators>
			<shortHash>7e809e460cfe55895d76261acfd4f935cb4c2ecf</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
		<group>Countdown</group>
    </media>
    <media>
        <name>CountdownNormal_01.mov</name>
		<locators>
			<path>C:\Documents and Settings\Jonathon Mah\Desktop\test_files\movies\Countdown\CountdownNormal_01.mov</path>
			<shortHash>20f089e7d6bb614e67f86fabc0273a730dd9df8a</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
		<group>Countdown</group>
    </media>
    <media>
        <name>CountdownGreen_01.mov</name>
		<locators>
			<shortHash>af2143964396b5c460cf5a98f9cfcc857e8a693f</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
		<group>Countdown</group>
    </media>
    <media>
        <name>CountdownBlue_01.mov</name>
		<locators>
			<shortHash>850f6804996170961ffebc9d5daec1008da6bd0d</shortHash>
		</locators>
		<group>Countdown</group>
    </media>
    <media>
        <name>TL306_30fps_non_square.mov</name>
		<locators>
			<shortHash>0fe6a568681c4033035adbae57c02c3a988cd65d</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
    <media>
        <name>TL306_30fps.mov</name>
		<locators>
			<shortHash>0751f525a6a08efe4ad47859a7e9a2161e89a690</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
    <media>
        <name>TL306_25fps.mov</name>
		<locators>
			<shortHash>cedd1449f2b60c9d4309eb86e0833030bca94223</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
    <media>
        <name>SPA119A_30fps.mov</name>
		<locators>
			<shortHash>f75379e73e7a25e9abcb08c11b562b84d94cc691</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
    <media>
        <name>SPA119A_25fps.mov</name>
		<locators>
			<shortHash>4a956aa51c8f2e88306dd4afc2554c20aa5d6cf7</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
    <media>
        <name>RF107_30fps.mov</name>
		<locators>
			<shortHash>f3265109fd99abaab791932e69d8ec9626981a43</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
    <media>
        <name>RF107_25fps.mov</name>
		<locators>
			<shortHash>a66f5c92fda714b4192958e6c5f3df4983128422</shortHash>
		</locators>
		<group>royalty_free</group>
    </media>
</session>
